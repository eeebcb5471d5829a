# Compiles BearSSL's sources into a static library, with the target's compiler.
# Called by the top Makefile:  make -f tools/bearssl.mk SRC=dir OUT=dir CC=... AR=...
SRCS := $(shell find $(SRC)/src -name '*.c')
OBJS := $(patsubst $(SRC)/src/%.c,$(OUT)/%.o,$(SRCS))
BR_CFLAGS ?= -Os -ffunction-sections -fdata-sections

$(OUT)/libbearssl.a: $(OBJS)
	@rm -f $@
	$(AR) rcs $@ $(OBJS)

$(OUT)/%.o: $(SRC)/src/%.c
	@mkdir -p $(dir $@)
	@$(CC) $(BR_CFLAGS) -I$(SRC)/inc -I$(SRC)/src -c $< -o $@
