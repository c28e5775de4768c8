/* SPDX-License-Identifier: MIT */
/* host-state.c - see host-state.h. */
#include "host/host-state.h"
#include "base/util.h"
#include "base/xmlfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

/* templates/host-protocol.rng, embedded by make. */
extern const unsigned char host_protocol_rng[];
extern const size_t host_protocol_rng_len;

#define attr xml_prop

static int attr_int(xmlNodePtr n, const char *name)
{
	char *v = attr(n, name), *end;
	long x = v ? strtol(v, &end, 10) : -1;

	if (v && (*end || end == v))
		x = -1;
	free(v);
	return (int)x;
}

static bool attr_bool(xmlNodePtr n, const char *name)
{
	char *v = attr(n, name);
	bool b = v && !strcasecmp(v, "true");

	free(v);
	return b;
}

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

#define GROW(arr, n) ((arr) = xrealloc((arr), ((n) + 1) * sizeof(*(arr))), &(arr)[(n)++])

static void parse_adapter(xmlNodePtr n, struct host_adapter *a)
{
	memset(a, 0, sizeof(*a));
	a->name = attr(n, "name");
	a->description = attr(n, "description");
	a->guid = attr(n, "guid");
	a->mac = attr(n, "mac");
	a->status = attr(n, "status");
	a->dns_suffix = attr(n, "dns-suffix");
	a->ifindex = attr_int(n, "ifindex");
	a->physical_medium = attr_int(n, "physical-medium");
	a->media_connect = attr_int(n, "media-connect");
	a->mtu = attr_int(n, "mtu");
	a->metric = attr_int(n, "metric");
	a->is_virtual = attr_bool(n, "virtual");
	a->hardware = attr_bool(n, "hardware");
	a->connector = attr_bool(n, "connector");
	for (xmlNodePtr c = n->children; c; c = c->next) {
		if (is(c, "binding")) {
			struct host_binding *b = GROW(a->bindings, a->nbindings);

			b->component = attr(c, "component");
			b->enabled = attr_bool(c, "enabled");
		} else if (is(c, "ipv4")) {
			struct host_ipv4 *ip = GROW(a->ipv4, a->nipv4);

			ip->address = attr(c, "address");
			ip->prefix = attr_int(c, "prefix");
		} else if (is(c, "dns")) {
			*GROW(a->dns, a->ndns) = attr(c, "server");
		}
	}
}

static void parse_switches(xmlNodePtr sw, struct host_state *st)
{
	for (xmlNodePtr n = sw ? sw->children : NULL; n; n = n->next) {
		if (is(n, "switch")) {
			struct host_switch *s = GROW(st->switches, st->nswitches);

			memset(s, 0, sizeof(*s));
			s->id = attr(n, "id");
			s->name = attr(n, "name");
			s->notes = attr(n, "notes");
			s->type = attr_int(n, "type");
			s->allow_mos = attr_bool(n, "allow-management-os");
			for (xmlNodePtr u = n->children; u; u = u->next)
				if (is(u, "uplink"))
					*GROW(s->uplinks, s->nuplinks) = attr(u, "guid");
		} else if (is(n, "vm-nic")) {
			struct host_vmnic *v = GROW(st->vmnics, st->nvmnics);

			v->vm = attr(n, "vm");
			v->switch_id = attr(n, "switch-id");
		}
	}
}

static void parse_facts(xmlNodePtr h, struct host_state *st)
{
	xmlNodePtr n;

	if ((n = child(h, "windows"))) {
		st->build = attr(n, "build");
		st->ubr = attr(n, "ubr");
		st->edition = attr(n, "edition");
		st->installation = attr(n, "installation");
		st->display_version = attr(n, "display-version");
		st->ipv6_disabled = attr(n, "ipv6-disabled-components");
	}
	if ((n = child(h, "user"))) {
		st->profile = attr(n, "profile");
		st->temp = attr(n, "temp");
		st->elevated = attr_bool(n, "elevated");
		st->admin_member = attr_bool(n, "admin-member");
		st->hyperv_admin = attr_bool(n, "hyperv-admin");
	}
	if ((n = child(h, "machine")))
		st->machine_guid = attr(n, "guid");
	if ((n = child(h, "services"))) {
		char *gsa = attr(n, "global-secure-access");

		st->gsa_running = gsa && !strcmp(gsa, "Running");
		free(gsa);
	}
	if ((n = child(h, "hyperv"))) {
		st->hyperv_module = attr_bool(n, "module");
		st->hypervisor_present = attr_bool(n, "hypervisor-present");
		st->vmms = attr(n, "vmms");
	}
	if ((n = child(h, "wsl"))) {
		st->wsl_version = attr(n, "version");
		st->wsl_kernel = attr(n, "kernel");
		st->wsl_windows = attr(n, "windows");
		st->wsl_inbox = attr(n, "inbox");
	}
	if ((n = child(h, "policy"))) {
		st->policy_allow_mode = attr(n, "allow-networking-mode");
		st->policy_default_mode = attr(n, "default-networking-mode");
	}
}

static void parse_forwarding(xmlNodePtr h, struct host_state *st)
{
	xmlNodePtr fw = child(h, "hyperv-firewall");

	if (fw) {
		st->hvfw_present = attr_bool(fw, "present");
		st->hvfw_enabled = attr(fw, "enabled");
		st->hvfw_default_inbound = attr(fw, "default-inbound");
	}
	for (xmlNodePtr n = fw ? fw->children : NULL; n; n = n->next) {
		if (is(n, "rule")) {
			struct host_hvfw_rule *r = GROW(st->hvfw_rules, st->nhvfw_rules);

			r->name = attr(n, "name");
			r->direction = attr(n, "direction");
			r->protocol = attr(n, "protocol");
			r->local_ports = attr(n, "local-ports");
			r->action = attr(n, "action");
			r->enabled = attr(n, "enabled");
		}
	}
	for (xmlNodePtr n = child(h, "portproxy") ? child(h, "portproxy")->children : NULL; n; n = n->next) {
		if (is(n, "rule")) {
			struct host_portproxy *p = GROW(st->portproxy, st->nportproxy);

			p->listen_address = attr(n, "listen-address");
			p->listen_port = attr(n, "listen-port");
			p->connect_address = attr(n, "connect-address");
			p->connect_port = attr(n, "connect-port");
		}
	}
	for (xmlNodePtr n = child(h, "firewall-rules") ? child(h, "firewall-rules")->children : NULL;
	     n; n = n->next) {
		if (is(n, "rule")) {
			struct host_fwrule *r = GROW(st->fwrules, st->nfwrules);
			char *en = attr(n, "enabled");

			r->name = attr(n, "name");
			/* MSFT_NetFirewallRule.Enabled: 1 = True, 2 = False. */
			r->enabled = !en || !strcmp(en, "1") || !strcasecmp(en, "true");
			free(en);
		}
	}
}

static void parse_host(xmlNodePtr h, struct host_state *st)
{
	st->has_host = true;
	parse_facts(h, st);
	for (xmlNodePtr n = child(h, "adapters") ? child(h, "adapters")->children : NULL; n; n = n->next)
		if (is(n, "adapter"))
			parse_adapter(n, GROW(st->adapters, st->nadapters));
	for (xmlNodePtr n = child(h, "routes") ? child(h, "routes")->children : NULL; n; n = n->next) {
		if (is(n, "route")) {
			struct host_route *r = GROW(st->routes, st->nroutes);

			r->prefix = attr(n, "prefix");
			r->next_hop = attr(n, "next-hop");
			r->ifindex = attr_int(n, "ifindex");
			r->metric = attr_int(n, "metric");
		}
	}
	for (xmlNodePtr n = child(h, "dns-search") ? child(h, "dns-search")->children : NULL; n; n = n->next)
		if (is(n, "suffix"))
			*GROW(st->dns_search, st->ndns_search) = attr(n, "name");
	parse_switches(child(h, "switches"), st);
	parse_forwarding(h, st);
	for (xmlNodePtr n = child(h, "external-ports") ? child(h, "external-ports")->children : NULL;
	     n; n = n->next) {
		if (is(n, "port")) {
			struct host_port *p = GROW(st->ports, st->nports);

			p->name = attr(n, "name");
			p->mac = attr(n, "mac");
			p->bound = attr_bool(n, "bound");
		}
	}
}

static void parse_results(xmlNodePtr rs, struct host_state *st)
{
	for (xmlNodePtr n = rs->children; n; n = n->next) {
		struct host_result *r;

		if (!is(n, "result"))
			continue;
		r = GROW(st->results, st->nresults);
		r->id = attr(n, "id");
		r->status = attr(n, "status");
		r->fqid = attr(n, "fqid");
		r->category = attr(n, "category");
		r->hresult = attr(n, "hresult");
		r->inner = attr(n, "inner");
		r->exception = attr(n, "exception");
		r->message = attr(n, "message");
		r->ms = attr_int(n, "ms");
	}
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

int host_state_parse(const char *xml, size_t len, struct host_state *st, char **ret_why)
{
	xmlDocPtr doc;
	xmlNodePtr root;
	char *why = NULL;

	memset(st, 0, sizeof(*st));
	if (ret_why)
		*ret_why = NULL;
	if (len > (size_t)INT32_MAX)
		return -EBADMSG;
	doc = xmlReadMemory(xml, (int)len, "response.xml", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	root = doc ? xmlDocGetRootElement(doc) : NULL;
	if (!root || !is(root, "response"))
		why = xstrdup(doc ? "it is not a <response>" : "it is not well-formed XML");
	else
		why = protocol_error(doc);
	if (why) {
		xmlFreeDoc(doc);
		if (ret_why)
			*ret_why = why;
		else
			free(why);
		return -EBADMSG;
	}
	for (xmlNodePtr n = root->children; n; n = n->next) {
		if (is(n, "host"))
			parse_host(n, st);
		else if (is(n, "results"))
			parse_results(n, st);
		else if (is(n, "error") && !st->error) {
			st->error = xcalloc(1, sizeof(*st->error));
			st->error->kind = attr(n, "kind");
			st->error->fqid = attr(n, "fqid");
			st->error->hresult = attr(n, "hresult");
			st->error->inner = attr(n, "inner");
			st->error->exception = attr(n, "exception");
			st->error->message = attr(n, "message");
			st->error->win32 = attr(n, "win32");
		}
	}
	xmlFreeDoc(doc);
	return 0;
}

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void free_adapter(struct host_adapter *a)
{
	free(a->name); free(a->description); free(a->guid); free(a->mac);
	free(a->status); free(a->dns_suffix);
	for (size_t i = 0; i < a->nbindings; i++)
		free(a->bindings[i].component);
	free(a->bindings);
	for (size_t i = 0; i < a->nipv4; i++)
		free(a->ipv4[i].address);
	free(a->ipv4);
	free_strv(a->dns, a->ndns);
}

void host_state_release(struct host_state *st)
{
	char **scalars[] = {
		&st->build, &st->ubr, &st->edition, &st->installation, &st->display_version,
		&st->profile, &st->temp, &st->machine_guid, &st->vmms, &st->wsl_version,
		&st->wsl_kernel, &st->wsl_windows, &st->wsl_inbox, &st->policy_allow_mode,
		&st->policy_default_mode, &st->ipv6_disabled, &st->hvfw_enabled, &st->hvfw_default_inbound,
	};

	for (size_t i = 0; i < sizeof(scalars) / sizeof(*scalars); i++)
		free(*scalars[i]);
	for (size_t i = 0; i < st->nadapters; i++)
		free_adapter(&st->adapters[i]);
	free(st->adapters);
	for (size_t i = 0; i < st->nroutes; i++) {
		free(st->routes[i].prefix);
		free(st->routes[i].next_hop);
	}
	free(st->routes);
	free_strv(st->dns_search, st->ndns_search);
	for (size_t i = 0; i < st->nswitches; i++) {
		free(st->switches[i].id); free(st->switches[i].name); free(st->switches[i].notes);
		free_strv(st->switches[i].uplinks, st->switches[i].nuplinks);
	}
	free(st->switches);
	for (size_t i = 0; i < st->nvmnics; i++) {
		free(st->vmnics[i].vm);
		free(st->vmnics[i].switch_id);
	}
	free(st->vmnics);
	for (size_t i = 0; i < st->nports; i++) {
		free(st->ports[i].name);
		free(st->ports[i].mac);
	}
	free(st->ports);
	for (size_t i = 0; i < st->nhvfw_rules; i++) {
		struct host_hvfw_rule *r = &st->hvfw_rules[i];

		free(r->name); free(r->direction); free(r->protocol);
		free(r->local_ports); free(r->action); free(r->enabled);
	}
	free(st->hvfw_rules);
	for (size_t i = 0; i < st->nportproxy; i++) {
		struct host_portproxy *p = &st->portproxy[i];

		free(p->listen_address); free(p->listen_port); free(p->connect_address); free(p->connect_port);
	}
	free(st->portproxy);
	for (size_t i = 0; i < st->nfwrules; i++)
		free(st->fwrules[i].name);
	free(st->fwrules);
	for (size_t i = 0; i < st->nresults; i++) {
		struct host_result *r = &st->results[i];

		free(r->id); free(r->status); free(r->fqid); free(r->category);
		free(r->hresult); free(r->inner); free(r->exception); free(r->message);
	}
	free(st->results);
	free(st->raw);
	if (st->error) {
		struct host_error *e = st->error;

		free(e->kind); free(e->fqid); free(e->hresult); free(e->inner);
		free(e->exception); free(e->message); free(e->win32);
		free(e);
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

const char *host_policy_mode_name(const char *value)
{
	/* WSL's NetworkingMode enum, as its policy values number them. */
	static const char *const names[] = { "None", "Nat", "Bridged", "Mirrored", "VirtioProxy" };
	int n = value ? atoi(value) : 1;

	return n >= 0 && n < (int)(sizeof(names) / sizeof(names[0])) ? names[n] : "unknown";
}
