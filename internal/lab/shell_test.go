package lab

import (
	"crypto/ed25519"
	"crypto/rand"
	"net"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

func TestShellEchoPromptsAndCaret(t *testing.T) {
	d := startDevice(t, DeviceSpec{Platform: PlatformIOSXE, Hostname: "core-1"})
	sh := dialShell(t, d)
	sh.expect(`core-1#$`)
	out := sh.run("conf t", "core-1(config)#")
	if want := "conf t\r\nEnter configuration commands, one per line.  End with CNTL/Z.\r\ncore-1(config)#"; out != want {
		t.Errorf("configure terminal: got %q, want %q", out, want)
	}
	if out := sh.run("int gi1/0/1", "core-1(config-if)#"); out != "int gi1/0/1\r\ncore-1(config-if)#" {
		t.Errorf("interface: got %q", out)
	}
	// A global command in a sub-mode leaves the sub-mode.
	sh.run("vlan 10", "core-1(config-vlan)#")
	sh.run("ip access-list extended X", "core-1(config-ext-nacl)#")
	out = sh.run("permit tcp any any eq foo", "core-1(config-ext-nacl)#")
	lines := strings.Split(out, "\r\n")
	// The caret sits under the bad word, counting the prompt.
	typed := "core-1(config-ext-nacl)#permit tcp any any eq foo"
	if len(lines) < 3 || strings.Index(lines[1], "^") != strings.Index(typed, "foo") || lines[2] != "% Invalid input detected at '^' marker." {
		t.Errorf("caret misplaced or error missing:\n%s", out)
	}
	// Backspace edits the line before it is sent.
	sh.send("endx\x7f\r")
	sh.expect(`core-1#$`)
	// exit closes the session, as on the real device.
	sh.send("exit\r")
	if !sh.closed() {
		t.Error("exit did not close the session")
	}
}

func TestShellPagingUntilTerminalLength0(t *testing.T) {
	d := startDevice(t, DeviceSpec{Platform: PlatformIOSXE})
	sh := dialShell(t, d)
	sh.expect(`sw1#$`)
	sh.send("show running-config\r")
	first := sh.expect(` --More-- $`)
	if n := strings.Count(first, "\r\n"); n != 24 {
		t.Errorf("first page has %d lines, want the echo and 23 lines", n)
	}
	sh.send("q")
	sh.expect(`sw1#$`)
	sh.run("terminal length 0", "sw1#")
	out := sh.run("show running-config", "sw1#")
	if strings.Contains(out, "--More--") || !strings.Contains(out, "\r\nend\r\n") {
		t.Errorf("terminal length 0 did not turn paging off:\n%s", out)
	}
}

func TestShellIOSQuestions(t *testing.T) {
	d := startDevice(t, DeviceSpec{Platform: PlatformIOSXE})
	sh := dialShell(t, d)
	sh.expect(`sw1#$`)
	sh.run("conf t", "sw1(config)#")
	sh.run("hostname core-9", "core-9(config)#")
	sh.run("end", "core-9#")
	// copy asks for the destination; the answer is the return key.
	sh.send("copy running-config startup-config\r")
	sh.expect(`Destination filename \[startup-config\]\? $`)
	out := sh.run("", "core-9#")
	if !strings.Contains(out, "Building configuration...\r\n[OK]") {
		t.Errorf("copy did not save: %q", out)
	}
	if !strings.Contains(d.StartupConfig(), "hostname core-9") {
		t.Error("startup-config not updated")
	}
	// A rollback file on flash, and configure replace.
	sh.send("copy running-config flash:steward-rollback.cfg\r")
	sh.expect(`Destination filename \[steward-rollback.cfg\]\? $`)
	sh.run("", "core-9#")
	sh.run("conf t", "core-9(config)#")
	sh.run("vlan 99", "core-9(config-vlan)#")
	sh.run("end", "core-9#")
	out = sh.run("configure replace flash:steward-rollback.cfg force", "core-9#")
	if !strings.Contains(out, "Rollback Done") || strings.Contains(d.Config(), "vlan 99") {
		t.Errorf("configure replace did not restore the file: %q", out)
	}
	// A lone unknown word is a host name to IOS.
	out = sh.run("frobnicate", "core-9#")
	if !strings.Contains(out, "% Unknown command or computer name, or unable to find computer address") {
		t.Errorf("unknown word: %q", out)
	}
}

func TestShellDropAfter(t *testing.T) {
	d := startDevice(t, DeviceSpec{Platform: PlatformEOS})
	sh := dialShell(t, d)
	sh.expect(`sw1#$`)
	d.DropAfter(1)
	sh.run("show clock", "sw1#")
	sh.send("show version\r")
	if !sh.closed() {
		t.Fatal("the connection was not dropped")
	}
	if n := d.CommandCount(); n != 2 {
		t.Errorf("CommandCount = %d, want 2 (the dropped command was received)", n)
	}
}

func TestShellLatency(t *testing.T) {
	d := startDevice(t, DeviceSpec{Platform: PlatformIOSXE})
	sh := dialShell(t, d)
	sh.expect(`sw1#$`)
	d.SetLatency(60 * time.Millisecond)
	start := time.Now()
	sh.run("show clock", "sw1#")
	if el := time.Since(start); el < 60*time.Millisecond {
		t.Errorf("answered in %v despite 60ms of latency", el)
	}
	d.ClearFaults()
}

func TestShellEOSSessions(t *testing.T) {
	d := startDevice(t, DeviceSpec{Platform: PlatformEOS, Hostname: "access-1"})
	sh := dialShell(t, d)
	sh.expect(`access-1#$`)
	sh.run("configure session steward-abc", "access-1(config-s-stewar)#")
	sh.run("vlan 77", "access-1(config-s-stewar-vlan-77)#")
	sh.run("name voice", "access-1(config-s-stewar-vlan-77)#")
	sh.run("interface Ethernet5", "access-1(config-s-stewar-if-Et5)#")
	sh.run("switchport access vlan 77", "access-1(config-s-stewar-if-Et5)#")
	if strings.Contains(d.Config(), "vlan 77") {
		t.Fatal("the session changed the running-config before commit")
	}
	diff := sh.run("show session-config diffs", "access-1(config-s-stewar-if-Et5)#")
	for _, want := range []string{"--- system:/running-config", "+++ session:/steward-abc-session-config", "+vlan 77", "+   name voice", "+   switchport access vlan 77"} {
		if !strings.Contains(diff, want+"\r\n") {
			t.Errorf("diffs lack %q:\n%s", want, diff)
		}
	}
	sh.run("abort", "access-1#")
	if strings.Contains(d.Config(), "vlan 77") || len(d.Sessions()) != 0 {
		t.Fatal("abort did not discard the session")
	}
	sh.run("configure session s2", "access-1(config-s-s2)#")
	sh.run("vlan 78", "access-1(config-s-s2-vlan-78)#")
	sh.run("end", "access-1#") // leaves the session pending
	if got := d.Sessions(); len(got) != 1 || got[0] != "s2" {
		t.Fatalf("pending sessions = %v", got)
	}
	sh.run("configure session s2", "access-1(config-s-s2)#")
	sh.run("commit", "access-1#")
	if !strings.Contains(d.Config(), "vlan 78\n") {
		t.Error("commit did not apply the session")
	}
	// Outside a session, commit is not a command.
	sh.run("configure", "access-1(config)#")
	if out := sh.run("commit", "access-1(config)#"); !strings.Contains(out, "% Invalid input") {
		t.Errorf("commit outside a session: %q", out)
	}
}

func TestShellNXOSCheckpoint(t *testing.T) {
	d := startDevice(t, DeviceSpec{Platform: PlatformNXOS, Hostname: "leaf-1"})
	sh := dialShell(t, d)
	sh.expect(`leaf-1# $`)
	if out := sh.run("checkpoint steward", "leaf-1# "); !strings.Contains(out, "Done") {
		t.Errorf("checkpoint: %q", out)
	}
	sh.run("configure terminal", "leaf-1(config)# ")
	sh.run("vlan 55", "leaf-1(config-vlan)# ")
	sh.run("end", "leaf-1# ")
	if !strings.Contains(d.Config(), "vlan 1,55") {
		t.Fatal("vlan 55 not configured")
	}
	out := sh.run("rollback running-config checkpoint steward", "leaf-1# ")
	if !strings.Contains(out, "Rollback completed successfully.") || strings.Contains(d.Config(), "vlan 1,55") {
		t.Errorf("rollback did not restore the checkpoint: %q", out)
	}
}

func TestExecRequest(t *testing.T) {
	d := startDevice(t, DeviceSpec{Platform: PlatformEOS})
	client, err := ssh.Dial("tcp", d.Addr(), &ssh.ClientConfig{
		User: d.Username(), Auth: []ssh.AuthMethod{ssh.Password(d.Password())},
		HostKeyCallback: ssh.FixedHostKey(d.HostKey()),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	sess, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	out, err := sess.Output("show hostname")
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != "sw1\n" {
		t.Errorf("exec output = %q", out)
	}
}

func TestHostKeyStableForTheDevicesLife(t *testing.T) {
	d := startDevice(t, DeviceSpec{Platform: PlatformIOSXE})
	var seen []string
	for i := 0; i < 3; i++ {
		client, err := ssh.Dial("tcp", d.Addr(), &ssh.ClientConfig{
			User: d.Username(), Auth: []ssh.AuthMethod{ssh.Password(d.Password())},
			HostKeyCallback: func(_ string, _ net.Addr, key ssh.PublicKey) error {
				seen = append(seen, string(ssh.MarshalAuthorizedKey(key)))
				return nil
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		client.Close()
	}
	for _, k := range seen {
		if strings.TrimSpace(k) != d.AuthorizedKey() || !strings.HasPrefix(k, "ssh-ed25519 ") {
			t.Errorf("host key %q, want %q", k, d.AuthorizedKey())
		}
	}
	if !strings.HasPrefix(d.KnownHostsLine(), "[127.0.0.1]:"+itoa(d.Port())+" ssh-ed25519 ") {
		t.Errorf("known_hosts line %q", d.KnownHostsLine())
	}
}

func TestPublicKeyLogin(t *testing.T) {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(key)
	if err != nil {
		t.Fatal(err)
	}
	d := startDevice(t, DeviceSpec{Platform: PlatformIOSXE, AuthorizedKeys: []string{string(ssh.MarshalAuthorizedKey(signer.PublicKey()))}})
	client, err := ssh.Dial("tcp", d.Addr(), &ssh.ClientConfig{
		User: d.Username(), Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)},
		HostKeyCallback: ssh.FixedHostKey(d.HostKey()),
	})
	if err != nil {
		t.Fatalf("public key login: %v", err)
	}
	client.Close()
	_, other, _ := ed25519.GenerateKey(rand.Reader)
	otherSigner, _ := ssh.NewSignerFromKey(other)
	if _, err := ssh.Dial("tcp", d.Addr(), &ssh.ClientConfig{
		User: d.Username(), Auth: []ssh.AuthMethod{ssh.PublicKeys(otherSigner)},
		HostKeyCallback: ssh.FixedHostKey(d.HostKey()),
	}); err == nil {
		t.Error("an unknown key logged in")
	}
}
