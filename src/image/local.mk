# src/image: sources owned by this directory
