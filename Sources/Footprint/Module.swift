// Module Footprint: see ../shared/DESIGN.md. Real code replaces this file.
