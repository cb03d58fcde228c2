// Module TFLite: see ../shared/DESIGN.md. Real code replaces this file.
