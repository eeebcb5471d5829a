# Compiles BearSSL's sources into a static library, with the target's compiler.
# Called by the top Makefile:
#   KAGENT_BR_CFLAGS=... make -f tools/bearssl.mk SRC=dir OUT=dir CC=... AR=... FLAGS=file
# FLAGS names a file that changes when the compiler or its flags do: every
# object is rebuilt then.
SRCS := $(shell find $(SRC)/src -name '*.c')
OBJS := $(patsubst $(SRC)/src/%.c,$(OUT)/%.o,$(SRCS))
BR_CFLAGS := $(or $(KAGENT_BR_CFLAGS),-Os -ffunction-sections -fdata-sections)

$(OUT)/libbearssl.a: $(OBJS)
	@rm -f $@
	$(AR) rcs $@ $(OBJS)

$(OUT)/%.o: $(SRC)/src/%.c $(FLAGS)
	@mkdir -p $(dir $@)
	@$(CC) $(BR_CFLAGS) -I$(SRC)/inc -I$(SRC)/src -c $< -o $@
