/* SPDX-License-Identifier: MIT */
/*
 * test-profile.c - every shipped VPN profile loads and validates, and each
 * adapter description from reference windows-hyperv-vpn.md §6.7 (and the
 * same with Windows' " #2" suffix) picks the right profile.
 */
#include "helpers.h"
#include "vpn-fixups/profile.h"

#include <stdio.h>
#include <stdlib.h>

static const char *const cases[][2] = {
	{ "Cisco AnyConnect Secure Mobility Client Virtual Miniport Adapter for Windows x64", "anyconnect" },
	{ "Cisco AnyConnect Virtual Miniport Adapter for Windows x64", "anyconnect" },
	{ "Cisco Secure Client Virtual Miniport Adapter for Windows x64", "anyconnect" },
	{ "PANGP Virtual Ethernet Adapter", "globalprotect" },
	{ "PANGP Virtual Ethernet Adapter Secure", "globalprotect" },
	{ "Fortinet SSL VPN Virtual Ethernet Adapter", "forticlient" },
	{ "Fortinet Virtual Ethernet Adapter (NDIS 6.30)", "forticlient" },
	{ "Juniper Networks Virtual Adapter", "pulse" },
	{ "Pulse Secure Virtual Adapter", "pulse" },
	{ "Check Point Virtual Network Adapter For Endpoint VPN Client", "checkpoint" },
	{ "Check Point Virtual Network Adapter For SSL Network Extender", "checkpoint" },
	{ "Check Point Virtual Network Adapter For SecureClient", "checkpoint" },
	{ "Zscaler Network Adapter 1.0.2.0", "zscaler" },
	{ "Zscaler Network Adapter", "zscaler" },
	{ "TAP-Windows Adapter V9", "openvpn" },
	{ "TAP-Win32 Adapter V9", "openvpn" },
	{ "OpenVPN Data Channel Offload", "openvpn" },
	{ "OpenVPN Wintun", "openvpn" },
	{ "TAP-ProtonVPN Windows Adapter V9", "openvpn" },
	{ "TAP-Surfshark Windows Adapter V9", "openvpn" },
	{ "WireGuard Tunnel", "wireguard" },
	{ "Wintun Userspace Tunnel", "wireguard" },
	{ "NordLynx Tunnel", "nordlynx" },
	{ "TAP-NordVPN Windows Adapter V9", "nordlynx" },
	{ "TAP-NordVPN Windows Provider V9", "nordlynx" },
	{ "Cloudflare WARP Interface Tunnel", "warp" },
	{ "Mullvad Tunnel", "mullvad" },
	{ "cisco anyconnect virtual miniport adapter for windows x64", "anyconnect" },
};

static const char *const not_vpn[] = {
	"Intel(R) Ethernet Connection (7) I219-V", "Intel(R) Wi-Fi 6 AX201 160MHz",
	"Hyper-V Virtual Ethernet Adapter #2", "VMware Virtual Ethernet Adapter for VMnet8",
	"PANGP Virtual Ethernet Adapter Secure extra", "WireGuard Tunnel #x",
};

static void test_shipped_profiles(void **state)
{
	struct wb_ctx ctx = { (char *)"/nonexistent-root", NULL, false, NULL };
	struct vpn_profiles ps;
	struct target_error err;

	(void)state;
	assert_int_equal(vpn_profiles_load(&ctx, &ps, &err), 0);
	assert_int_equal(ps.n, 12);
	assert_non_null(vpn_profile_find(&ps, "generic"));
	assert_int_equal(vpn_profile_find(&ps, "anyconnect")->metric, 6000);
	assert_int_equal(vpn_profile_find(&ps, "wireguard")->mtu_fallback, 1420);
	assert_true(vpn_profile_find(&ps, "generic")->mtu_probe);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *two = xasprintf("%s #2", cases[i][0]), *ten = xasprintf("%s #10", cases[i][0]);
		const struct vpn_profile *p = vpn_profile_match(&ps, cases[i][0]);

		if (!p || strcmp(p->name, cases[i][1]))
			fail_msg("'%s' matched %s, not %s", cases[i][0], p ? p->name : "nothing", cases[i][1]);
		assert_ptr_equal(vpn_profile_match(&ps, two), p);
		assert_ptr_equal(vpn_profile_match(&ps, ten), p);
		free(two);
		free(ten);
	}
	for (size_t i = 0; i < sizeof(not_vpn) / sizeof(not_vpn[0]); i++)
		if (vpn_profile_match(&ps, not_vpn[i]))
			fail_msg("'%s' should match no profile", not_vpn[i]);
	vpn_profiles_release(&ps);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_profiles),
	};

	setenv("WSLBRIDGE_DATADIR", "templates", 1);
	return cmocka_run_group_tests_name("profile", tests, NULL, NULL);
}
