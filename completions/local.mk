# completions: sources owned by this directory
