// Types the fakes need that PowerShell on Linux lacks, with the full names
// real Windows gives them (the agent reports exception types by FullName).
// Compiled once per tree by start-agent.ps1 into a cached DLL.
using System;
using System.Collections.Generic;

namespace Microsoft.HyperV.PowerShell
{
    public enum VMSwitchType { Private = 0, Internal = 1, External = 2 }

    public class VirtualizationException : Exception
    {
        public VirtualizationException(string message) : base(message) { HResult = unchecked((int)0x80131509); }
    }
}

namespace Microsoft.PowerShell.Cmdletization.Cim
{
    public class CimJobException : Exception
    {
        public CimJobException(string message) : base(message) { HResult = unchecked((int)0x80131509); }
    }
}

namespace Microsoft.PowerShell.Commands
{
    // Microsoft.PowerShell.LocalAccounts' errors (Windows only).
    public class MemberExistsException : Exception
    {
        public MemberExistsException(string message) : base(message) { }
    }
    public class MemberNotFoundException : Exception
    {
        public MemberNotFoundException(string message) : base(message) { }
    }
}

namespace WinHostFakes
{
    // The token of this (simulated) process: WINHOST_TOKEN is "elevated" or
    // "filtered", WINHOST_GROUPS the SIDs of the user's groups.  A filtered
    // admin token still lists S-1-5-32-544 (as deny-only), so it is a claim
    // but not a role.
    public class Claim
    {
        public string Value { get; private set; }
        public Claim(string value) { Value = value; }
        public override string ToString() { return Value; }
    }

    public class WindowsIdentity
    {
        public string Name { get; private set; }
        public SecurityIdentifier User { get; private set; }
        public bool Elevated { get; private set; }
        public List<string> Groups { get; private set; }
        public Claim[] Claims { get; private set; }

        public static WindowsIdentity GetCurrent()
        {
            var id = new WindowsIdentity();
            id.Name = Environment.GetEnvironmentVariable("WINHOST_ACCOUNT") ?? "";
            id.User = new SecurityIdentifier(Environment.GetEnvironmentVariable("WINHOST_SID") ?? "S-1-5-21-0-0-0-1001");
            id.Elevated = Environment.GetEnvironmentVariable("WINHOST_TOKEN") == "elevated";
            id.Groups = new List<string>((Environment.GetEnvironmentVariable("WINHOST_GROUPS") ?? "")
                .Split(new[] { ',' }, StringSplitOptions.RemoveEmptyEntries));
            var claims = new List<Claim> { new Claim("S-1-1-0"), new Claim("S-1-5-32-545") };
            foreach (var g in id.Groups) claims.Add(new Claim(g));
            id.Claims = claims.ToArray();
            return id;
        }
    }

    public class SecurityIdentifier
    {
        public string Value { get; private set; }
        public SecurityIdentifier(string sid) { Value = sid; }
        public override string ToString() { return Value; }
    }

    public class WindowsPrincipal
    {
        private readonly WindowsIdentity id;
        public WindowsPrincipal(WindowsIdentity identity) { id = identity; }
        public bool IsInRole(SecurityIdentifier sid)
        {
            if (!id.Groups.Contains(sid.Value)) return false;
            // Administrators is deny-only in a filtered token (UAC).
            return sid.Value != "S-1-5-32-544" || id.Elevated;
        }
    }

    // B.6: Process.Start with UseShellExecute and Verb "runas".  The prompt
    // and the elevated copy are the simulated powershell.exe's (Handler, set
    // by system.ps1, returns its exit code; 223: declined).  Windows throws a
    // Win32Exception with NativeErrorCode 1223, which PowerShell wraps in a
    // MethodInvocationException as its InnerException.
    public class Process
    {
        public static Func<string, string, int> Handler;
        public int ExitCode { get; private set; }
        public bool HasExited { get { return true; } }
        public void WaitForExit() { }

        public static Process Start(System.Diagnostics.ProcessStartInfo psi)
        {
            if (!psi.UseShellExecute || psi.Verb != "runas")
                throw new NotSupportedException("winhost fakes: only Process.Start with UseShellExecute and Verb runas is modelled");
            int code = Handler(psi.FileName, psi.Arguments);
            if (code == 223) throw new System.ComponentModel.Win32Exception(1223);
            return new Process { ExitCode = code };
        }
    }
}
