/* Replaced by the engine sources. */
typedef int tinyhil_engine_placeholder;
