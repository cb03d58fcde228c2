/* engine public header; replaced by the engine. */
