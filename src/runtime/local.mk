# src/runtime: sources owned by this directory
