/* SPDX-License-Identifier: MIT */
/*
 * host-state.h - what the host agent reports (response.xml), as C data:
 * the Windows facts of one observation, the per-action results of an apply,
 * and a top-level error.  host_state_parse() reads untrusted bytes with
 * libxml2 (no network, no entities) and accepts only what the protocol
 * (templates/host-protocol.rng, compiled in) allows: a fact Windows did not
 * report is never mistaken for an empty one.
 */
#ifndef WB_HOST_STATE_H
#define WB_HOST_STATE_H

#include <stdbool.h>
#include <stddef.h>

struct host_binding { char *component; bool enabled; };
struct host_ipv4 { char *address; int prefix; };

struct host_adapter {
	char *name, *description, *guid, *mac, *status, *dns_suffix;
	int ifindex, physical_medium, media_connect, mtu, metric;
	int automatic_metric;	/* 1: Windows chooses the metric */
	bool is_virtual, hardware, connector;
	struct host_binding *bindings;
	size_t nbindings;
	struct host_ipv4 *ipv4;
	size_t nipv4;
	char **dns;
	size_t ndns;
};

enum switch_type { SWITCH_PRIVATE = 0, SWITCH_INTERNAL = 1, SWITCH_EXTERNAL = 2 };

struct host_switch {
	char *id, *name, *notes;	/* id and notes NULL when inferred */
	int type;		/* enum switch_type, -1 unknown */
	bool allow_mos;
	bool inferred;		/* from vEthernet (NAME) and its uplink's bindings (A.4) */
	char **uplinks;		/* adapter InterfaceGuids */
	size_t nuplinks;
};

struct host_route { char *prefix, *next_hop; int ifindex, metric; };
struct host_port { char *name, *mac; bool bound; };
struct host_vmnic { char *vm, *switch_id; };

/* A Hyper-V firewall rule for WSL's VM creator id. */
struct host_hvfw_rule { char *name, *direction, *protocol, *local_ports, *action, *enabled; };
/* A netsh portproxy v4tov4 rule (TCP). */
struct host_portproxy { char *listen_address, *listen_port, *connect_address, *connect_port; };
/* A Windows Firewall rule whose display name starts with "wslbridge-". */
struct host_fwrule { char *name; bool enabled; };

struct host_result {
	char *id, *status;	/* ok, error, skipped */
	char *fqid, *category, *hresult, *inner, *exception, *message;
	int ms;			/* how long it took on Windows, or -1 */
	char *switch_id;	/* the switch created, found or removed */
	char *effect;		/* "changed", or "none": it was so already */
	char *settled;		/* "false": vEthernet had no address back within 20 s */
};

/* A section of <host> the agent could not read (A.1, A.3): never empty. */
struct host_unreadable {
	char *section, *reason;	/* reason: "permission", "failed" or "unasked" (host.h enum host_facts) */
	char *fqid, *category, *hresult, *exception, *message;
};

struct host_error { char *kind, *fqid, *hresult, *inner, *exception, *message, *win32; };

struct host_state {
	bool has_host;
	char *build, *ubr, *edition, *installation, *display_version;
	char *profile, *temp;
	bool elevated, admin_member, hyperv_admin;
	char *account, *sid;		/* who the agent ran as */
	char *machine_guid;
	bool hyperv_module, hypervisor_present;
	bool gsa_running;		/* Global Secure Access: no DNS tunneling */
	char *ip_helper;		/* iphlpsvc's status (serves portproxy, E.22) */
	char *vmms;
	char *wsl_version, *wsl_kernel, *wsl_windows, *wsl_inbox;
	char *policy_allow_mode, *policy_default_mode;	/* NULL: no policy */
	char *ipv6_disabled;		/* Tcpip6 DisabledComponents, NULL if unset */
	bool hvfw_present;		/* the Hyper-V firewall cmdlets exist */
	char *hvfw_enabled, *hvfw_default_inbound;	/* WSL's Hyper-V firewall setting */
	struct host_hvfw_rule *hvfw_rules;
	size_t nhvfw_rules;
	/* Windows' dynamic port ranges (mirrored WSL 2.8.7+ limits binds there); <= 0: not read */
	int dyn_tcp_start, dyn_tcp_count, dyn_udp_start, dyn_udp_count;
	struct host_portproxy *portproxy;
	size_t nportproxy;
	struct host_fwrule *fwrules;
	size_t nfwrules;
	struct host_adapter *adapters;
	size_t nadapters;
	struct host_route *routes;
	size_t nroutes;
	char **dns_search;
	size_t ndns_search;
	struct host_switch *switches;
	size_t nswitches;
	struct host_vmnic *vmnics;
	size_t nvmnics;
	struct host_port *ports;
	size_t nports;
	struct host_result *results;
	size_t nresults;
	struct host_unreadable *unreadable;
	size_t nunreadable;
	struct host_error *error;	/* a failure of the whole call, or NULL */
	char *raw;			/* the response document as received */
	size_t raw_len;
};

/*
 * 0, or -EBADMSG when xml is not a response document of the protocol; then
 * *ret_why (when ret_why is not NULL) says what was wrong, for people.
 */
int host_state_parse(const char *xml, size_t len, struct host_state *st, char **ret_why);
void host_state_release(struct host_state *st);

/*
 * What a failed action means, decided from FullyQualifiedErrorId, HRESULT
 * and exception type only: messages are localized and never looked at.
 */
enum host_failure {
	HF_NONE,		/* ok or skipped */
	HF_NO_HYPERV_MODULE,	/* a Hyper-V cmdlet does not exist (Home, tools off) */
	HF_ADAPTER_IN_USE,	/* another external switch owns the adapter */
	HF_BIND_FAILED,		/* Hyper-V could not bind the adapter (0x80070490) */
	HF_SWITCH_NOT_FOUND,
	HF_ADAPTER_NOT_FOUND,
	HF_BINDING_NOT_FOUND,	/* the adapter has no such protocol binding */
	HF_PERMISSION,
	HF_REFUSED,		/* the agent refused (not ours, used by VMs) */
	HF_OTHER,
};
enum host_failure host_result_failure(const struct host_result *r);
const char *host_failure_name(enum host_failure f);

/* Why section (e.g. "switches") could not be read, or NULL when it was. */
const struct host_unreadable *host_unreadable(const struct host_state *st, const char *section);
/* Whether section was left out because the run did not ask for it. */
bool host_unasked(const struct host_state *st, const char *section);
/* For people: "permission denied (not elevated, not in Hyper-V Administrators)". */
char *host_unreadable_text(const struct host_unreadable *u);

const struct host_adapter *host_adapter_by_guid(const struct host_state *st, const char *guid);
/* Hyper-V's name of a switch type (VMSwitchType): "External", ..., "unknown". */
const char *host_switch_type_name(int type);
/* The name of WSL's DefaultNetworkingMode policy value ("Nat" when unset). */
const char *host_policy_mode_name(const char *value);
/* The edition as Windows shows it to people: "Home" for Core, "Pro" for
 * Professional, ... (the EditionID itself when not known; "?" for NULL). */
const char *host_edition_name(const char *edition_id);
const struct host_adapter *host_adapter_by_index(const struct host_state *st, int ifindex);
/* The binding state of component on a, or -1 when the adapter has none. */
int host_adapter_binding(const struct host_adapter *a, const char *component);

#endif
