# man: sources owned by this directory
