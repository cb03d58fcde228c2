# Build steps of the Pico board, included by firmware/Makefile after its own variables.
PYTHON3 ?= python3
BOOT2_FLAGS := -mcpu=cortex-m0plus -mthumb -std=c99 -Os -ffreestanding -fno-builtin -nostdlib \
  -ffunction-sections -Wall -Wextra -Werror -I$(BOARD_DIR)
BOOT2_CRC_OPTION := $(if $(filter 1,$(BOOT2_CORRUPT_CRC)),--corrupt-crc,)

$(BUILD)/boot2/boot2.elf: $(BOARD_DIR)/boot2.c $(BOARD_DIR)/boot2.ld $(BOARD_DIR)/registers.h $(BOARD_DIR)/board.mk
	@mkdir -p $(@D)
	$(say) CC $<
	$(Q)$(CC) $(BOOT2_FLAGS) -T $(BOARD_DIR)/boot2.ld -Wl,--gc-sections $< -o $@

$(BUILD)/boot2/boot2.bin: $(BUILD)/boot2/boot2.elf
	$(Q)$(OBJCOPY) -O binary $< $@

# The CRC option is part of the flags: switching BOOT2_CORRUPT_CRC rebuilds boot2_image.S.
$(BUILD)/boot2/crc-option.txt: FORCE
	@mkdir -p $(@D)
	@printf '%s\n' '$(BOOT2_CRC_OPTION)' > $@.new
	@if cmp -s $@.new $@; then rm -f $@.new; else mv $@.new $@; fi

$(BUILD)/boot2/boot2_image.S: $(BUILD)/boot2/boot2.bin tools/boot2_image.py $(BUILD)/boot2/crc-option.txt
	$(say) BOOT2 $@
	$(Q)$(PYTHON3) tools/boot2_image.py $(BOOT2_CRC_OPTION) $< $@

$(BUILD)/boot2/boot2_image.o: $(BUILD)/boot2/boot2_image.S
	$(Q)$(CC) $(BOARD_CFLAGS) -c $< -o $@

$(BUILD)/firmware.uf2: $(BUILD)/firmware.bin tools/uf2.py
	$(say) UF2 $@
	$(Q)$(PYTHON3) tools/uf2.py $< $@
