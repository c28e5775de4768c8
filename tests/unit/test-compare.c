/* SPDX-License-Identifier: MIT */
/*
 * test-compare.c - the probe table: it names exactly the probes target.rng
 * allows (so a target can name no probe the code lacks, and the code has
 * none a target cannot reach), and an unknown probe fails as itself rather
 * than falling through to another probe.
 */
#include "helpers.h"
#include "targets/compare.h"

#include <libxml/parser.h>
#include <libxml/tree.h>

/* The <value>s of the probe attribute's <choice> in target.rng. */
static size_t schema_probes(const char *rng, char **names, size_t max)
{
	xmlDocPtr doc = xmlReadFile(rng, NULL, XML_PARSE_NONET);
	size_t n = 0;

	assert_non_null(doc);
	for (xmlNodePtr d = xmlDocGetRootElement(doc)->children; d; d = d->next) {
		for (xmlNodePtr el = d->children; el; el = el->next) {
			for (xmlNodePtr at = el->children; at; at = at->next) {
				xmlChar *name = xmlGetProp(at, BAD_CAST "name");
				bool probe = name && at->type == XML_ELEMENT_NODE &&
					     !xmlStrcmp(at->name, BAD_CAST "attribute") &&
					     !xmlStrcmp(name, BAD_CAST "probe");

				xmlFree(name);
				if (!probe)
					continue;
				for (xmlNodePtr ch = at->children; ch; ch = ch->next)
					for (xmlNodePtr v = ch->children; v; v = v->next)
						if (v->type == XML_ELEMENT_NODE && !xmlStrcmp(v->name, BAD_CAST "value") &&
						    n < max)
							names[n++] = (char *)xmlNodeGetContent(v);
			}
		}
	}
	xmlFreeDoc(doc);
	return n;
}

static void test_table_matches_schema(void **state)
{
	char *names[64];
	size_t n = schema_probes("templates/targets/target.rng", names, 64);

	(void)state;
	assert_true(n >= 20);
	assert_int_equal(n, probe_count());
	for (size_t i = 0; i < n; i++) {
		bool known = false;

		for (size_t k = 0; k < probe_count(); k++)
			known |= !strcmp(names[i], probe_name(k));
		if (!known)
			fail_msg("target.rng allows the probe '%s', which compare.c does not have", names[i]);
		xmlFree(names[i]);
	}
	assert_null(probe_name(probe_count()));
}

static void test_unknown_probe(void **state)
{
	struct expectation e = { 0 };
	struct observation o;
	char *skip = NULL, *v;

	(void)state;
	memset(&o, 0, sizeof(o));
	e.probe = (char *)"adapter.nonsense";
	v = probe_value(&e, &o, &skip);
	assert_non_null(v);
	assert_null(skip);
	assert_string_equal(v, "unknown probe 'adapter.nonsense' (this wslbridge does not know it)");
	free(v);
	/* a known Windows probe offline is a skip, not a value */
	e.probe = (char *)"switch.count";
	assert_null(probe_value(&e, &o, &skip));
	assert_string_equal(skip, "needs Windows (offline)");
	free(skip);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_matches_schema),
		cmocka_unit_test(test_unknown_probe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
