/* SPDX-License-Identifier: MIT */
/* host-state.c - see host-state.h. */
#include "host/host-state.h"
#include "host/host-check.h"
#include "host/host-infer.h"
#include "base/util.h"
#include "base/xmlfile.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

/* templates/host-protocol.rng, embedded by make. */
extern const unsigned char host_protocol_rng[];
extern const size_t host_protocol_rng_len;

/*
 * Each element of the response maps onto a struct through one field table
 * (attribute, kind, offset): reading and freeing walk the same table, so
 * they cannot drift apart.  A missing attribute reads as NULL, -1 or false.
 */
enum field_kind { F_STR, F_INT, F_BOOL };
struct field {
	const char *attr;
	enum field_kind kind;
	size_t off;
};

#define STR(t, a, m) { a, F_STR, offsetof(t, m) }
#define INT(t, a, m) { a, F_INT, offsetof(t, m) }
#define BOOL(t, a, m) { a, F_BOOL, offsetof(t, m) }
#define N(tab) (sizeof(tab) / sizeof((tab)[0]))

static void read_fields(xmlNodePtr n, void *obj, const struct field *f, size_t nf)
{
	for (size_t i = 0; i < nf; i++) {
		char *v = xml_prop(n, f[i].attr), *end = NULL;
		void *at = (char *)obj + f[i].off;

		if (f[i].kind == F_STR) {
			*(char **)at = v;
			continue;
		}
		if (f[i].kind == F_INT) {
			long x = v ? strtol(v, &end, 10) : -1;

			/* uint32 counters (D.17) beyond int are "unknown", never wrapped */
			*(int *)at = v && (*end || end == v || x > INT_MAX || x < INT_MIN) ? -1 : (int)x;
		} else {
			*(bool *)at = v && !strcasecmp(v, "true");
		}
		free(v);
	}
}

static void free_fields(void *obj, const struct field *f, size_t nf)
{
	for (size_t i = 0; i < nf; i++)
		if (f[i].kind == F_STR)
			free(*(char **)((char *)obj + f[i].off));
}

/* The facts of <host> that are one element each, straight into host_state. */
#define HS struct host_state
static const struct field windows_f[] = {
	STR(HS, "build", build), STR(HS, "ubr", ubr), STR(HS, "edition", edition),
	STR(HS, "installation", installation), STR(HS, "display-version", display_version),
	STR(HS, "ipv6-disabled-components", ipv6_disabled),
};
static const struct field user_f[] = {
	STR(HS, "profile", profile), STR(HS, "temp", temp), BOOL(HS, "elevated", elevated),
	BOOL(HS, "admin-member", admin_member), BOOL(HS, "hyperv-admin", hyperv_admin),
	STR(HS, "account", account), STR(HS, "sid", sid),
};
static const struct field services_f[] = { STR(HS, "ip-helper", ip_helper) };
static const struct field machine_f[] = { STR(HS, "guid", machine_guid) };
static const struct field hyperv_f[] = {
	BOOL(HS, "module", hyperv_module), BOOL(HS, "hypervisor-present", hypervisor_present),
	STR(HS, "vmms", vmms),
};
static const struct field wsl_f[] = {
	STR(HS, "version", wsl_version), STR(HS, "kernel", wsl_kernel), STR(HS, "windows", wsl_windows),
	STR(HS, "inbox", wsl_inbox),
};
static const struct field policy_f[] = {
	STR(HS, "allow-networking-mode", policy_allow_mode),
	STR(HS, "default-networking-mode", policy_default_mode),
};
static const struct field hvfw_f[] = {
	BOOL(HS, "present", hvfw_present), STR(HS, "enabled", hvfw_enabled),
	STR(HS, "default-inbound", hvfw_default_inbound),
};
static const struct field dynports_f[] = {
	INT(HS, "tcp-start", dyn_tcp_start), INT(HS, "tcp-count", dyn_tcp_count),
	INT(HS, "udp-start", dyn_udp_start), INT(HS, "udp-count", dyn_udp_count),
};
#undef HS

static const struct section {
	const char *element;
	const struct field *f;
	size_t nf;
} sections[] = {
	{ "windows", windows_f, N(windows_f) }, { "user", user_f, N(user_f) },
	{ "machine", machine_f, N(machine_f) }, { "hyperv", hyperv_f, N(hyperv_f) },
	{ "services", services_f, N(services_f) },
	{ "wsl", wsl_f, N(wsl_f) }, { "policy", policy_f, N(policy_f) },
	{ "hyperv-firewall", hvfw_f, N(hvfw_f) }, { "dynamic-ports", dynports_f, N(dynports_f) },
};

/* The repeated elements, each into an array of its struct. */
static const struct field adapter_f[] = {
	STR(struct host_adapter, "name", name), STR(struct host_adapter, "description", description),
	STR(struct host_adapter, "guid", guid), STR(struct host_adapter, "mac", mac),
	STR(struct host_adapter, "status", status), STR(struct host_adapter, "dns-suffix", dns_suffix),
	INT(struct host_adapter, "ifindex", ifindex), INT(struct host_adapter, "physical-medium", physical_medium),
	INT(struct host_adapter, "media-connect", media_connect), INT(struct host_adapter, "mtu", mtu),
	INT(struct host_adapter, "metric", metric), INT(struct host_adapter, "automatic-metric", automatic_metric),
	BOOL(struct host_adapter, "virtual", is_virtual),
	BOOL(struct host_adapter, "hardware", hardware), BOOL(struct host_adapter, "connector", connector),
};
static const struct field binding_f[] = {
	STR(struct host_binding, "component", component), BOOL(struct host_binding, "enabled", enabled),
};
static const struct field ipv4_f[] = {
	STR(struct host_ipv4, "address", address), INT(struct host_ipv4, "prefix", prefix),
};
static const struct field route_f[] = {
	STR(struct host_route, "prefix", prefix), STR(struct host_route, "next-hop", next_hop),
	INT(struct host_route, "ifindex", ifindex), INT(struct host_route, "metric", metric),
};
static const struct field switch_f[] = {
	STR(struct host_switch, "id", id), STR(struct host_switch, "name", name),
	STR(struct host_switch, "notes", notes), INT(struct host_switch, "type", type),
	BOOL(struct host_switch, "allow-management-os", allow_mos),
};
static const struct field vmnic_f[] = {
	STR(struct host_vmnic, "vm", vm), STR(struct host_vmnic, "switch-id", switch_id),
};
static const struct field port_f[] = {
	STR(struct host_port, "name", name), STR(struct host_port, "mac", mac), BOOL(struct host_port, "bound", bound),
};
static const struct field hvfw_rule_f[] = {
	STR(struct host_hvfw_rule, "name", name), STR(struct host_hvfw_rule, "direction", direction),
	STR(struct host_hvfw_rule, "protocol", protocol), STR(struct host_hvfw_rule, "local-ports", local_ports),
	STR(struct host_hvfw_rule, "action", action), STR(struct host_hvfw_rule, "enabled", enabled),
};
static const struct field portproxy_f[] = {
	STR(struct host_portproxy, "listen-address", listen_address),
	STR(struct host_portproxy, "listen-port", listen_port),
	STR(struct host_portproxy, "connect-address", connect_address),
	STR(struct host_portproxy, "connect-port", connect_port),
};
static const struct field fwrule_f[] = { STR(struct host_fwrule, "name", name) };
static const struct field result_f[] = {
	STR(struct host_result, "id", id), STR(struct host_result, "status", status),
	STR(struct host_result, "fqid", fqid), STR(struct host_result, "category", category),
	STR(struct host_result, "hresult", hresult), STR(struct host_result, "inner", inner),
	STR(struct host_result, "exception", exception), STR(struct host_result, "message", message),
	INT(struct host_result, "ms", ms), STR(struct host_result, "switch-id", switch_id),
	STR(struct host_result, "effect", effect), STR(struct host_result, "settled", settled),
};
static const struct field unreadable_f[] = {
	STR(struct host_unreadable, "reason", reason), STR(struct host_unreadable, "fqid", fqid),
	STR(struct host_unreadable, "category", category), STR(struct host_unreadable, "hresult", hresult),
	STR(struct host_unreadable, "exception", exception), STR(struct host_unreadable, "message", message),
};
static const struct field error_f[] = {
	STR(struct host_error, "kind", kind), STR(struct host_error, "fqid", fqid),
	STR(struct host_error, "hresult", hresult), STR(struct host_error, "inner", inner),
	STR(struct host_error, "exception", exception), STR(struct host_error, "message", message),
	STR(struct host_error, "win32", win32),
};

static bool is(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !xmlStrcmp(n->name, BAD_CAST name);
}

static xmlNodePtr child(xmlNodePtr n, const char *name)
{
	for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
		if (is(c, name))
			return c;
	return NULL;
}

/* Append one zeroed element of size to *arr (n of them so far). */
static void *grow(void *arr, size_t *n, size_t size)
{
	void **p = arr;
	char *e;

	*p = xrealloc(*p, (*n + 1) * size);
	e = (char *)*p + (*n)++ * size;
	memset(e, 0, size);
	return e;
}

/* What an element holds beyond its attributes (its child elements). */
typedef void (*nested_fn)(xmlNodePtr n, void *obj);

/* Every <name> child of parent into *arr through its field table. */
static void read_list(xmlNodePtr parent, const char *name, void *arr, size_t *n, size_t size,
		      const struct field *f, size_t nf, nested_fn nested)
{
	for (xmlNodePtr c = parent ? parent->children : NULL; c; c = c->next) {
		void *obj;

		if (!is(c, name))
			continue;
		obj = grow(arr, n, size);
		read_fields(c, obj, f, nf);
		if (nested)
			nested(c, obj);
	}
}

static void free_list(void *arr, size_t n, size_t size, const struct field *f, size_t nf)
{
	char *p = *(char **)arr;

	for (size_t i = 0; i < n; i++)
		free_fields(p + i * size, f, nf);
	free(p);
}

#define READ_LIST(parent, name, arr, n, f, nested) \
	read_list(parent, name, &(arr), &(n), sizeof(*(arr)), f, N(f), nested)
#define FREE_LIST(arr, n, f) free_list(&(arr), n, sizeof(*(arr)), f, N(f))

/* The one-attribute lists: <dns server>, <suffix name>, <uplink guid>. */
static void read_strings(xmlNodePtr parent, const char *name, const char *attr, char ***v, size_t *n)
{
	for (xmlNodePtr c = parent ? parent->children : NULL; c; c = c->next)
		if (is(c, name))
			*(char **)grow(v, n, sizeof(char *)) = xml_prop(c, attr);
}

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void adapter_nested(xmlNodePtr n, void *obj)
{
	struct host_adapter *a = obj;

	READ_LIST(n, "binding", a->bindings, a->nbindings, binding_f, NULL);
	READ_LIST(n, "ipv4", a->ipv4, a->nipv4, ipv4_f, NULL);
	read_strings(n, "dns", "server", &a->dns, &a->ndns);
}

static void switch_nested(xmlNodePtr n, void *obj)
{
	struct host_switch *s = obj;

	read_strings(n, "uplink", "guid", &s->uplinks, &s->nuplinks);
}

static void fwrule_nested(xmlNodePtr n, void *obj)
{
	struct host_fwrule *r = obj;
	char *en = xml_prop(n, "enabled");

	/* MSFT_NetFirewallRule.Enabled: 1 = True, 2 = False. */
	r->enabled = !en || !strcmp(en, "1") || !strcasecmp(en, "true");
	free(en);
}

/* Every section's <unreadable>, named by its section. */
static void read_unreadable(xmlNodePtr h, struct host_state *st)
{
	for (xmlNodePtr sec = h->children; sec; sec = sec->next) {
		xmlNodePtr u = sec->type == XML_ELEMENT_NODE ? child(sec, "unreadable") : NULL;
		struct host_unreadable *x;

		if (!u)
			continue;
		x = grow(&st->unreadable, &st->nunreadable, sizeof(*x));
		read_fields(u, x, unreadable_f, N(unreadable_f));
		x->section = xstrdup((const char *)sec->name);
	}
}

static void parse_host(xmlNodePtr h, struct host_state *st)
{
	xmlNodePtr n;

	st->has_host = true;
	read_unreadable(h, st);
	for (size_t i = 0; i < N(sections); i++)
		if ((n = child(h, sections[i].element)))
			read_fields(n, st, sections[i].f, sections[i].nf);
	if ((n = child(h, "services"))) {
		char *gsa = xml_prop(n, "global-secure-access");

		st->gsa_running = gsa && !strcmp(gsa, "Running");
		free(gsa);
	}
	READ_LIST(child(h, "adapters"), "adapter", st->adapters, st->nadapters, adapter_f, adapter_nested);
	READ_LIST(child(h, "routes"), "route", st->routes, st->nroutes, route_f, NULL);
	read_strings(child(h, "dns-search"), "suffix", "name", &st->dns_search, &st->ndns_search);
	READ_LIST(child(h, "switches"), "switch", st->switches, st->nswitches, switch_f, switch_nested);
	READ_LIST(child(h, "switches"), "vm-nic", st->vmnics, st->nvmnics, vmnic_f, NULL);
	READ_LIST(child(h, "external-ports"), "port", st->ports, st->nports, port_f, NULL);
	READ_LIST(child(h, "hyperv-firewall"), "rule", st->hvfw_rules, st->nhvfw_rules, hvfw_rule_f, NULL);
	READ_LIST(child(h, "portproxy"), "rule", st->portproxy, st->nportproxy, portproxy_f, NULL);
	READ_LIST(child(h, "firewall-rules"), "rule", st->fwrules, st->nfwrules, fwrule_f, fwrule_nested);
}

static char *protocol_error(xmlDocPtr doc)
{
	/* Compiled once: a run reads a few responses, the fuzzer millions. */
	static xmlRelaxNGPtr schema;
	struct xml_invalid f;
	char *why = NULL;
	int r;

	if (!schema)
		schema = xml_schema_compile(xmlRelaxNGNewMemParserCtxt((const char *)host_protocol_rng,
								       (int)host_protocol_rng_len));
	r = xml_validate(doc, schema, &f);

	if (r < 0)
		why = xstrdup("the protocol schema could not be loaded");
	else if (r > 0)
		why = xasprintf("line %d, element <%s>: %s", f.line, f.element ? f.element : "?", f.msg);
	xml_invalid_release(&f);
	return why;
}

static int refused(char *why, char **ret_why)
{
	if (ret_why)
		*ret_why = why;
	else
		free(why);
	return -EBADMSG;
}

int host_state_parse(const char *xml, size_t len, struct host_state *st, char **ret_why)
{
	xmlDocPtr doc;
	xmlNodePtr root;
	char *why = NULL;

	memset(st, 0, sizeof(*st));
	if (ret_why)
		*ret_why = NULL;
	doc = xml_read_memory(xml, len, "response.xml", XML_PARSE_NOERROR | XML_PARSE_NOWARNING, &why);
	root = doc ? xmlDocGetRootElement(doc) : NULL;
	if (doc && (!root || !is(root, "response")))
		why = xstrdup("it is not a <response>");
	else if (doc)
		why = protocol_error(doc);
	if (why) {
		xmlFreeDoc(doc);
		return refused(why, ret_why);
	}
	for (xmlNodePtr n = root->children; n; n = n->next) {
		if (is(n, "host"))
			parse_host(n, st);
		else if (is(n, "results"))
			READ_LIST(n, "result", st->results, st->nresults, result_f, NULL);
		else if (is(n, "error") && !st->error) {
			st->error = xcalloc(1, sizeof(*st->error));
			read_fields(n, st->error, error_f, N(error_f));
		}
	}
	xmlFreeDoc(doc);
	/* Well-formed and valid is not yet safe: Windows is not trusted with root's files. */
	why = host_state_check(st);
	if (why) {
		host_state_release(st);
		return refused(why, ret_why);
	}
	if (host_unreadable(st, "switches"))
		host_state_infer_switches(st);
	return 0;
}

static void adapter_release(struct host_adapter *a)
{
	FREE_LIST(a->bindings, a->nbindings, binding_f);
	FREE_LIST(a->ipv4, a->nipv4, ipv4_f);
	free_strv(a->dns, a->ndns);
}

void host_state_release(struct host_state *st)
{
	for (size_t i = 0; i < N(sections); i++)
		free_fields(st, sections[i].f, sections[i].nf);
	for (size_t i = 0; i < st->nadapters; i++)
		adapter_release(&st->adapters[i]);
	FREE_LIST(st->adapters, st->nadapters, adapter_f);
	FREE_LIST(st->routes, st->nroutes, route_f);
	free_strv(st->dns_search, st->ndns_search);
	for (size_t i = 0; i < st->nswitches; i++)
		free_strv(st->switches[i].uplinks, st->switches[i].nuplinks);
	FREE_LIST(st->switches, st->nswitches, switch_f);
	FREE_LIST(st->vmnics, st->nvmnics, vmnic_f);
	FREE_LIST(st->ports, st->nports, port_f);
	FREE_LIST(st->hvfw_rules, st->nhvfw_rules, hvfw_rule_f);
	FREE_LIST(st->portproxy, st->nportproxy, portproxy_f);
	FREE_LIST(st->fwrules, st->nfwrules, fwrule_f);
	FREE_LIST(st->results, st->nresults, result_f);
	for (size_t i = 0; i < st->nunreadable; i++)
		free(st->unreadable[i].section);
	FREE_LIST(st->unreadable, st->nunreadable, unreadable_f);
	free(st->raw);
	if (st->error) {
		free_fields(st->error, error_f, N(error_f));
		free(st->error);
	}
	memset(st, 0, sizeof(*st));
}

const struct host_adapter *host_adapter_by_guid(const struct host_state *st, const char *guid)
{
	for (size_t i = 0; guid && i < st->nadapters; i++)
		if (st->adapters[i].guid && !strcasecmp(st->adapters[i].guid, guid))
			return &st->adapters[i];
	return NULL;
}

const struct host_adapter *host_adapter_by_index(const struct host_state *st, int ifindex)
{
	for (size_t i = 0; i < st->nadapters; i++)
		if (st->adapters[i].ifindex == ifindex)
			return &st->adapters[i];
	return NULL;
}

int host_adapter_binding(const struct host_adapter *a, const char *component)
{
	for (size_t i = 0; i < a->nbindings; i++)
		if (a->bindings[i].component && !strcmp(a->bindings[i].component, component))
			return a->bindings[i].enabled;
	return -1;
}

static bool eq(const char *a, const char *b)
{
	return a && !strcasecmp(a, b);
}

static bool prefix(const char *s, const char *p)
{
	return s && !strncmp(s, p, strlen(p));
}

enum host_failure host_result_failure(const struct host_result *r)
{
	if (!r->status || strcmp(r->status, "error"))
		return HF_NONE;
	if (eq(r->exception, "System.Management.Automation.CommandNotFoundException"))
		return HF_NO_HYPERV_MODULE;
	if (prefix(r->fqid, "ObjectInUse,") || eq(r->inner, "0x800700B7"))
		return HF_ADAPTER_IN_USE;
	if (eq(r->inner, "0x80070490"))
		return HF_BIND_FAILED;
	if (prefix(r->fqid, "InvalidParameter,Microsoft.HyperV.PowerShell.Commands.GetVMSwitch") ||
	    prefix(r->fqid, "ObjectNotFound,Microsoft.HyperV.PowerShell.Commands.GetVMSwitch"))
		return HF_SWITCH_NOT_FOUND;
	if (eq(r->exception, "System.Management.Automation.ItemNotFoundException"))
		return HF_ADAPTER_NOT_FOUND;
	if (prefix(r->fqid, "CmdletizationQuery_NotFound"))
		return HF_BINDING_NOT_FOUND;
	if (eq(r->exception, "System.UnauthorizedAccessException") || eq(r->inner, "0x80070005") ||
	    eq(r->category, "PermissionDenied"))
		return HF_PERMISSION;
	if (eq(r->exception, "System.InvalidOperationException"))
		return HF_REFUSED;
	return HF_OTHER;
}

const char *host_failure_name(enum host_failure f)
{
	static const char *const names[] = {
		"none", "no-hyperv-module", "adapter-in-use", "bind-failed", "switch-not-found",
		"adapter-not-found", "binding-not-found", "permission", "refused", "other",
	};

	return names[f];
}

const char *host_switch_type_name(int type)
{
	static const char *const names[] = {
		[SWITCH_PRIVATE] = "Private", [SWITCH_INTERNAL] = "Internal", [SWITCH_EXTERNAL] = "External",
	};

	return type >= 0 && type < (int)(sizeof(names) / sizeof(names[0])) ? names[type] : "unknown";
}

const char *host_edition_name(const char *e)
{
	static const char *const map[][2] = {
		{ "Core", "Home" }, { "CoreSingleLanguage", "Home" }, { "Professional", "Pro" },
		{ "ProfessionalWorkstation", "Pro for Workstations" }, { "Enterprise", "Enterprise" },
		{ "Education", "Education" }, { "ServerStandard", "Server Standard" },
		{ "ServerDatacenter", "Server Datacenter" },
	};

	for (size_t i = 0; e && i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(e, map[i][0]))
			return map[i][1];
	return e ? e : "?";
}

const char *host_policy_mode_name(const char *value)
{
	/* WSL's NetworkingMode enum, as its policy values number them. */
	static const char *const names[] = { "None", "Nat", "Bridged", "Mirrored", "VirtioProxy" };
	int n = value ? atoi(value) : 1;

	return n >= 0 && n < (int)(sizeof(names) / sizeof(names[0])) ? names[n] : "unknown";
}
