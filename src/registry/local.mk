# src/registry: sources owned by this directory
