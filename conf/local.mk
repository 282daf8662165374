# conf: sources owned by this directory
