/* SPDX-License-Identifier: MIT */
/* keys-mac.c - which MACs a LAN cannot take (keys.h: key_mac_unfit). */
#include "conf/keys.h"
#include "base/match.h"
#include "base/util.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* WSL's own default MAC: the same on every PC, so two PCs on one LAN collide (#9492). */
static const unsigned char wsl_default_mac[6] = { 0x5e, 0xbb, 0xf6, 0x9e, 0xee, 0xfa };

char *key_mac_unfit(const char *mac)
{
	unsigned b[6];
	unsigned char m[6];
	bool zero = true, ones = true;

	if (!mac || !match(RE_MAC, mac, strlen(mac)) ||
	    sscanf(mac, "%2x%*1[:-]%2x%*1[:-]%2x%*1[:-]%2x%*1[:-]%2x%*1[:-]%2x", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5]) != 6)
		return NULL;
	for (int i = 0; i < 6; i++) {
		m[i] = (unsigned char)b[i];
		zero &= m[i] == 0;
		ones &= m[i] == 0xff;
	}
	if (!memcmp(m, wsl_default_mac, 6))
		return xasprintf("%s is WSL's own default MAC, the same on every PC: two PCs bridged on one "
				 "LAN would collide; use one of this PC's own, such as one `wslbridge setup` "
				 "derives", mac);
	if (zero)
		return xasprintf("%s is the all-zero MAC, which no interface may use", mac);
	if (ones)
		return xasprintf("%s is the broadcast MAC, which no interface may use", mac);
	if (m[0] & 1)
		return xasprintf("%s is a multicast MAC (the low bit of its first byte is set), which no "
				 "interface may use; a locally administered unicast one has a first byte "
				 "like 02, 06, 0a or 0e", mac);
	return NULL;
}
