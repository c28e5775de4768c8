/* SPDX-License-Identifier: MIT */
/*
 * test-host.c - the host layer's pure parts: reading agent responses
 * (including hostile and broken ones), classifying failures without looking
 * at message text, SHA-256, and Windows <-> Linux path mapping.
 */
#include "helpers.h"
#include "host/host-state.h"
#include "base/sha256.h"
#include "base/xmlfile.h"
#include "host/wslenv.h"

#include <stdio.h>

/* The empty parts of a host section, as the protocol orders them. */
#define REST_OF_HOST "<routes/><dns-search/>"
#define HOST_TAIL "<external-ports><port name='Intel' mac='00-15-5D-00-00-01' bound='true'/></external-ports>" \
	"<hyperv-firewall present='false'/><portproxy/><firewall-rules/></host></response>"

static const char response[] =
	"<?xml version='1.0' encoding='utf-8'?>\n"
	"<response version='1'><results>"
	"<result id='1' status='ok' ms='12'/>"
	"<result id='2' status='error' fqid='ObjectInUse,Microsoft.HyperV.PowerShell.Commands.NewVMSwitch'"
	" category='ResourceBusy' hresult='0x80131509' inner='0x800700B7'"
	" exception='Microsoft.HyperV.PowerShell.VirtualizationException' message='x'/>"
	"<result id='3' status='skipped'/></results>"
	"<host><windows build='22631' ubr='4460' edition='Professional'/>"
	"<user profile='C:\\Users\\Jos&#233; Mar&#237;a' temp='C:\\T' elevated='true' admin-member='true'"
	" hyperv-admin='false'/><machine/><services global-secure-access='missing'/>"
	"<hyperv module='true' hypervisor-present='true' vmms='Running'/>"
	"<wsl version='2.6.1.0' kernel='6.6.87.2' windows='10.0.22631.4460' inbox='false'/>"
	"<policy allow-networking-mode='0'/>"
	"<adapters><adapter name='a&quot;b$(x)`&apos;@' description='Intel' guid='{4A6C1D22-8E3B-4F07-9C5D-2B1E7A9F0C31}'"
	" mac='00-1B-21-3A-4F-5C' status='Up' ifindex='12' virtual='false' hardware='true' connector='true'"
	" physical-medium='14' media-connect='1' mtu='1500' metric='25' automatic-metric='1'>"
	"<binding component='vms_pp' enabled='true'/><binding component='ms_tcpip' enabled='false'/>"
	"<ipv4 address='192.168.1.2' prefix='24'/><dns server='192.168.1.1'/></adapter></adapters>"
	REST_OF_HOST
	"<switches><switch id='31a45870-a5f2-4387-a5be-d10926b3640b' name='WSL Bridge' type='2' allow-management-os='true'>"
	"<uplink guid='{4a6c1d22-8e3b-4f07-9c5d-2b1e7a9f0c31}'/></switch>"
	"<vm-nic vm='lab' switch-id='31a45870-a5f2-4387-a5be-d10926b3640b'/></switches>"
	HOST_TAIL;

static void test_parse(void **state)
{
	struct host_state st;
	const struct host_adapter *a;

	(void)state;
	assert_int_equal(host_state_parse(response, sizeof(response) - 1, &st, NULL), 0);
	assert_true(st.has_host);
	assert_string_equal(st.build, "22631");
	assert_string_equal(st.profile, "C:\\Users\\Jos\xC3\xA9 Mar\xC3\xAD" "a");
	assert_true(st.elevated);
	assert_string_equal(st.policy_allow_mode, "0");
	assert_null(st.policy_default_mode);
	assert_int_equal(st.nresults, 3);
	assert_int_equal(st.nswitches, 1);
	assert_int_equal(st.switches[0].type, SWITCH_EXTERNAL);
	a = host_adapter_by_guid(&st, st.switches[0].uplinks[0]);	/* GUID case folded */
	assert_non_null(a);
	assert_string_equal(a->name, "a\"b$(x)`'@");
	assert_int_equal(host_adapter_binding(a, "vms_pp"), 1);
	assert_int_equal(host_adapter_binding(a, "ms_tcpip"), 0);
	assert_int_equal(host_adapter_binding(a, "vmware_bridge"), -1);
	assert_int_equal(st.nvmnics, 1);
	assert_int_equal(st.nports, 1);
	assert_null(st.error);
	host_state_release(&st);
}

/* What the protocol leaves out, the reader must not invent. */
static const char minimal[] =
	"<response version='1'><host><windows/>"
	"<user profile='C:\\Users\\p' temp='C:\\Users\\p\\AppData\\Local\\Temp' elevated='false' admin-member='false' hyperv-admin='false'/>"
	"<machine/><services global-secure-access='missing'/><hyperv module='false' hypervisor-present='' vmms='missing'/>"
	"<wsl version='' kernel='' windows='' inbox='missing'/><policy/><adapters/>" REST_OF_HOST
	"<switches/><external-ports/><hyperv-firewall present='false'/><portproxy/><firewall-rules/></host></response>";

static void test_parse_minimal(void **state)
{
	struct host_state st;
	char *why = (char *)"unset";

	(void)state;
	assert_int_equal(host_state_parse(minimal, sizeof(minimal) - 1, &st, &why), 0);
	assert_null(why);
	assert_true(st.has_host);
	assert_null(st.build);
	assert_null(st.policy_allow_mode);
	assert_int_equal(st.nadapters, 0);
	assert_int_equal(st.nswitches, 0);
	host_state_release(&st);
}

static void test_parse_rejects(void **state)
{
	static const char *const bad[] = {
		"", "<nope/>", "<response><host>", "not xml at all",
		"<!DOCTYPE r [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><response>&x;</response>",
		/* another protocol version */
		"<response version='2'><error kind='agent-failed'/></response>",
		/* a kind of failure the protocol does not have */
		"<response version='1'><error kind='maybe'/></response>",
		/* results without the host facts after them */
		"<response version='1'><results><result id='1' status='ok' ms='1'/></results></response>",
	};
	struct host_state st;
	char *why = NULL;
	struct buf b = BUF_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(host_state_parse(bad[i], strlen(bad[i]), &st, &why), -EBADMSG);
		assert_non_null(why);
		free(why);
	}
	/* A host section without its switches: unreadable, never "no switches". */
	buf_add(&b, minimal, sizeof(minimal) - 1);
	{
		char *p = strstr(b.s, "<switches/>");

		memmove(p, p + 11, strlen(p + 11) + 1);
		b.len -= 11;
	}
	assert_int_equal(host_state_parse(b.s, b.len, &st, &why), -EBADMSG);
	assert_non_null(strstr(why, "external-ports"));
	free(why);
	buf_release(&b);
	{
		static const char declined[] = "<response version='1'><error kind='uac-declined' win32='1223'/></response>";

		assert_int_equal(host_state_parse(declined, sizeof(declined) - 1, &st, NULL), 0);
	}
	assert_non_null(st.error);
	assert_string_equal(st.error->kind, "uac-declined");
	host_state_release(&st);
}

/* minimal with the first from replaced by to. */
static char *edited(const char *from, const char *to)
{
	const char *at = strstr(minimal, from);
	struct buf b = BUF_INIT;

	assert_non_null(at);
	buf_add(&b, minimal, (size_t)(at - minimal));
	buf_adds(&b, to);
	buf_adds(&b, at + strlen(from));
	return buf_detach(&b, NULL);
}

/* What Windows says is data: refused, with words, when it could hurt root. */
static void test_parse_hostile(void **state)
{
	static const char *const edits[][3] = {
		{ "profile='C:\\Users\\p'", "profile='C:\\..\\..\\etc\\cron.d'", "user profile folder" },
		{ "temp='C:\\Users\\p\\AppData\\Local\\Temp'", "temp='C:\\Users\\..\\..\\tmp'", "TEMP folder" },
		{ "<adapters/>", "<adapters><adapter name='a' description='d' guid='{4A6C1D22-8E3B-4F07-9C5D-2B1E7A9F0C31}' "
		  "mac='00-00-00-00-00-01' status='Up' ifindex='1' virtual='false' hardware='true' connector='true' "
		  "physical-medium='14' media-connect='1'><dns server='1.1.1.1&#10;nameserver 6.6.6.6'/></adapter></adapters>",
		  "DNS server \"1.1.1.1\\x0anameserver 6.6.6.6\"" },
		{ "<dns-search/>", "<dns-search><suffix name='corp&#10;options ndots:9'/></dns-search>", "DNS search suffix" },
		{ "<dns-search/>", "<dns-search><suffix name='-x.example'/></dns-search>", "not a domain name" },
	};
	struct host_state st;
	char *why = NULL, *doc;
	struct buf b = BUF_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		doc = edited(edits[i][0], edits[i][1]);
		assert_int_equal(host_state_parse(doc, strlen(doc), &st, &why), -EBADMSG);
		assert_non_null(strstr(why, edits[i][2]));
		free(why);
		free(doc);
	}
	/* Quadratic entity expansion: refused at the DOCTYPE, before any entity. */
	buf_adds(&b, "<!DOCTYPE response [<!ENTITY e '");
	for (int i = 0; i < 100000; i++)
		buf_addc(&b, 'x');
	buf_adds(&b, "'>]><response version='1'><error kind='agent-failed' message='");
	for (int i = 0; i < 2000; i++)
		buf_adds(&b, "&e;");
	buf_adds(&b, "'/></response>");
	assert_int_equal(host_state_parse(b.s, b.len, &st, &why), -EBADMSG);
	assert_non_null(strstr(why, "DOCTYPE"));
	free(why);
	/* More than XML_READ_MAX: refused unread. */
	buf_reset(&b);
	buf_adds(&b, "<response version='1'><error kind='agent-failed' message='");
	while (b.len <= XML_READ_MAX)
		buf_adds(&b, "yyyyyyyyyyyyyyyy");
	buf_adds(&b, "'/></response>");
	assert_int_equal(host_state_parse(b.s, b.len, &st, &why), -EBADMSG);
	assert_non_null(strstr(why, "more than the 4 MiB"));
	free(why);
	buf_release(&b);
}

static void test_classify(void **state)
{
	struct host_result r = { 0 };

	(void)state;
	r.status = (char *)"ok";
	assert_int_equal(host_result_failure(&r), HF_NONE);
	r.status = (char *)"error";
	r.exception = (char *)"System.Management.Automation.CommandNotFoundException";
	assert_int_equal(host_result_failure(&r), HF_NO_HYPERV_MODULE);
	r.exception = (char *)"Microsoft.HyperV.PowerShell.VirtualizationException";
	r.fqid = (char *)"ObjectInUse,Microsoft.HyperV.PowerShell.Commands.NewVMSwitch";
	assert_int_equal(host_result_failure(&r), HF_ADAPTER_IN_USE);
	r.fqid = (char *)"ObjectNotFound,Microsoft.HyperV.PowerShell.Commands.SetVMSwitch";
	r.inner = (char *)"0x80070490";
	assert_int_equal(host_result_failure(&r), HF_BIND_FAILED);
	r.inner = NULL;
	r.fqid = (char *)"InvalidParameter,Microsoft.HyperV.PowerShell.Commands.GetVMSwitch";
	assert_int_equal(host_result_failure(&r), HF_SWITCH_NOT_FOUND);
	r.fqid = (char *)"CmdletizationQuery_NotFound_ComponentID,Enable-NetAdapterBinding";
	r.exception = NULL;
	assert_int_equal(host_result_failure(&r), HF_BINDING_NOT_FOUND);
	/* The message is never consulted, in any language. */
	r.fqid = (char *)"Whatever";
	r.message = (char *)"Hyper-V was unable to find a virtual switch";
	assert_int_equal(host_result_failure(&r), HF_OTHER);
}

static void test_sha256(void **state)
{
	char hex[65];
	char big[1000];

	(void)state;
	sha256_hex("", 0, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sha256_hex("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	memset(big, 'a', sizeof(big));
	sha256_hex(big, sizeof(big), hex);
	assert_string_equal(hex, "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
}

static void test_paths(void **state)
{
	struct wb_ctx ctx = { (char *)"/r", NULL, false, NULL };
	struct wsl_env env = { 0 };
	char *p;

	(void)state;
	env.automount_root = (char *)"/mnt/";
	p = wslenv_to_linux(&ctx, &env, "C:\\Users\\Jos\xC3\xA9 M\\AppData");
	assert_string_equal(p, "/r/mnt/c/Users/Jos\xC3\xA9 M/AppData");
	free(p);
	p = wslenv_to_windows(&ctx, &env, "/r/mnt/d/x y/z");
	assert_string_equal(p, "D:\\x y\\z");
	free(p);
	assert_null(wslenv_to_windows(&ctx, &env, "/r/home/me"));
	assert_null(wslenv_to_linux(&ctx, &env, "\\\\server\\share"));
	/* Only plain paths: none of them may lead outside the drive mount. */
	{
		static const char *const bad[] = {
			"C:\\..\\..\\etc\\cron.d", "C:\\Users\\.\\x", "C:\\Users\\\\x", "C:\\Users\\",
			"C:\\a/../../etc", "C:\\a\nb", "C:\\a.", "C:\\a ", "C:", "C:x", "1:\\x", "C:\\a:b",
		};

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			assert_null(wslenv_to_linux(&ctx, &env, bad[i]));
			assert_non_null(wslenv_windows_path_problem(bad[i]));
		}
	}
	env.automount_root = (char *)"/win/";
	p = wslenv_to_linux(&ctx, &env, "E:\\");
	assert_string_equal(p, "/r/win/e/");
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_minimal),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_parse_hostile),
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_sha256),
		cmocka_unit_test(test_paths),
	};

	return cmocka_run_group_tests_name("host", tests, NULL, NULL);
}
