// Module Inference: see ../shared/DESIGN.md. Real code replaces this file.
