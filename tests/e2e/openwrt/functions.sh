# A stand-in for OpenWrt's /lib/functions.sh: config_load and
# config_get_bool read the test's UCI file, /etc/config/NAME, in its simplest
# form ("option NAME 'VALUE'" lines of one section).
config_load() {
	CONFIG_FILE=/etc/config/$1
}

config_get_bool() {
	local var=$1 section=$2 option=$3 default=$4 v
	v=$(sed -n "s/^[[:space:]]*option[[:space:]]*$option[[:space:]]*'\{0,1\}\([^']*\)'\{0,1\}[[:space:]]*$/\1/p" \
		"$CONFIG_FILE" 2>/dev/null)
	case "${v:-$default}" in
	1|on|true|yes|enabled) v=1 ;;
	*) v=0 ;;
	esac
	eval "$var=$v"
}
