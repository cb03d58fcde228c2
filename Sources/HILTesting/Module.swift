// Module HILTesting: see ../shared/DESIGN.md. Real code replaces this file.
