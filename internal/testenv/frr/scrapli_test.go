package frr

import (
	"errors"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/scrapli/scrapligo/driver/network"
	"github.com/scrapli/scrapligo/driver/opoptions"
	"github.com/scrapli/scrapligo/driver/options"
	"github.com/scrapli/scrapligo/platform"
	"github.com/scrapli/scrapligo/transport"
	"github.com/scrapli/scrapligo/util"
	"golang.org/x/crypto/ssh/knownhosts"
)

// The vtysh prompts: exec "host#", configuration "host(config)#", "host(config-if)#" ...
const (
	vtyshExecPattern   = `(?im)^[\w.\-@/:]{1,63}#\s*$`
	vtyshConfigPattern = `(?im)^[\w.\-@/:]{1,63}\(config[\w.\-@/:+]{0,32}\)#\s*$`
)

var vtyshFailedWhenContains = []string{
	"% Unknown command", "% Command incomplete", "% Ambiguous command", "% Configuration failed",
	"% Malformed", "% Invalid", "% Not all daemons are up", "Permission denied",
}

// vtyshOptions are the scrapligo options for FRR's vtysh as login shell, built in code (the same
// definition as testdata/frr_vtysh.yaml).
func vtyshOptions() []util.Option {
	return []util.Option{
		options.WithPrivilegeLevels(map[string]*network.PrivilegeLevel{
			"exec": {
				Name:    "exec",
				Pattern: vtyshExecPattern,
			},
			"configuration": {
				Name:         "configuration",
				Pattern:      vtyshConfigPattern,
				PreviousPriv: "exec",
				Deescalate:   "end",
				Escalate:     "configure terminal",
			},
		}),
		options.WithDefaultDesiredPriv("exec"),
		options.WithFailedWhenContains(vtyshFailedWhenContains),
		options.WithNetworkOnOpen(func(d *network.Driver) error {
			if err := d.AcquirePriv("exec"); err != nil {
				return err
			}
			_, err := d.SendCommand("terminal length 0")
			return err
		}),
		// Nothing on close: an "exit" would end vtysh, and with the standard transport Close()
		// then returns io.EOF.
		options.WithNetworkOnClose(func(*network.Driver) error { return nil }),
	}
}

// connOptions are the connection options: password, port, the standard (x/crypto/ssh) transport
// and strict host key checking against the Router's known_hosts file.
func connOptions(r *Router) []util.Option {
	return []util.Option{
		options.WithAuthUsername(r.Username),
		options.WithAuthPassword(r.Password),
		options.WithPort(r.Port),
		options.WithTransportType(transport.StandardTransport),
		options.WithSSHKnownHostsFile(r.KnownHostsFile), // host keys are checked by default
		options.WithTimeoutSocket(10 * time.Second),
		options.WithTimeoutOps(20 * time.Second),
	}
}

func openDriver(t *testing.T, r *Router, extra ...util.Option) *network.Driver {
	t.Helper()
	d, err := network.NewDriver(r.Host, append(append(vtyshOptions(), connOptions(r)...), extra...)...)
	if err != nil {
		t.Fatalf("network.NewDriver: %v", err)
	}
	if err := d.Open(); err != nil {
		t.Fatalf("open: %v", err)
	}
	return d
}

func TestScrapligoSendConfigs(t *testing.T) {
	r := Start(t)
	d := openDriver(t, r)

	if d.CurrentPriv != "exec" {
		t.Errorf("after open the privilege level is %q, want exec", d.CurrentPriv)
	}
	resp, err := d.SendConfigs([]string{"interface lo", "description x"}, opoptions.WithStopOnFailed())
	if err != nil {
		t.Fatalf("SendConfigs: %v", err)
	}
	if resp.Failed != nil {
		t.Fatalf("SendConfigs failed: %v\n%s", resp.Failed, resp.JoinedResult())
	}
	// SendConfigs leaves the driver in configuration mode (in "interface lo"); SendCommand goes
	// back to exec with "end".
	run, err := d.SendCommand("show running-config")
	if err != nil || run.Failed != nil {
		t.Fatalf("show running-config: %v %v", err, run.Failed)
	}
	if !strings.Contains(run.Result, "interface lo\n description x\n") {
		t.Errorf("running-config lacks the description:\n%s", run.Result)
	}
	if d.CurrentPriv != "exec" {
		t.Errorf("after show the privilege level is %q, want exec", d.CurrentPriv)
	}
	if got := r.VTY(t, "show running-config"); !strings.Contains(got, " description x\n") {
		t.Errorf("VTY does not see the description:\n%s", got)
	}

	// A line FRR rejects: the response says which, with FRR's message.
	resp, err = d.SendConfigs([]string{"interface lo", "no-such-command 1", "description y"}, opoptions.WithStopOnFailed())
	if err != nil {
		t.Fatalf("SendConfigs: %v", err)
	}
	if resp.Failed == nil {
		t.Fatalf("bad line not reported:\n%s", resp.JoinedResult())
	}
	last := resp.Responses[len(resp.Responses)-1]
	if last.Input != "no-such-command 1" || !strings.Contains(last.Result, "% Unknown command: no-such-command 1") {
		t.Errorf("failing response: input %q result %q", last.Input, last.Result)
	}
	if len(resp.Responses) != 2 {
		t.Errorf("%d responses, want 2 (stop on failed)", len(resp.Responses))
	}

	// Leaving from a configuration sub-mode returns to exec in one step.
	if _, err := d.SendConfigs([]string{"route-map RM permit 10", "description steward"}); err != nil {
		t.Fatal(err)
	}
	if err := d.AcquirePriv("exec"); err != nil {
		t.Fatalf("from route-map back to exec: %v", err)
	}

	if err := d.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// The platform definition in testdata, loaded with scrapligo's platform package.
func TestScrapligoPlatformFile(t *testing.T) {
	r := Start(t)
	def, err := os.ReadFile("testdata/frr_vtysh.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := platform.NewPlatform(def, r.Host, connOptions(r)...)
	if err != nil {
		t.Fatalf("NewPlatform: %v", err)
	}
	if p.GetPlatformType() != "frr_vtysh" {
		t.Errorf("platform type %q", p.GetPlatformType())
	}
	d, err := p.GetNetworkDriver()
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Open(); err != nil {
		t.Fatalf("open: %v", err)
	}
	resp, err := d.SendConfigs([]string{"interface lo", "description from-yaml", "exit", "ip route 203.0.113.0/24 blackhole"}, opoptions.WithStopOnFailed())
	if err != nil || resp.Failed != nil {
		t.Fatalf("SendConfigs: %v %v\n%s", err, resp.Failed, resp.JoinedResult())
	}
	run, err := d.SendCommand("show running-config")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{" description from-yaml\n", "ip route 203.0.113.0/24 blackhole\n"} {
		if !strings.Contains(run.Result, want) {
			t.Errorf("running-config lacks %q:\n%s", want, run.Result)
		}
	}
	bad, err := d.SendCommand("show no-such-thing")
	if err != nil || bad.Failed == nil {
		t.Errorf("bad command: err %v, Failed %v", err, bad.Failed)
	}
	wr, err := d.SendCommand("write memory")
	if err != nil || wr.Failed != nil || !strings.Contains(wr.Result, "[OK]") {
		t.Errorf("write memory: %v %v %q", err, wr.Failed, wr.Result)
	}
	if err := d.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// Key authentication with the standard transport.
func TestScrapligoPrivateKey(t *testing.T) {
	r := Start(t)
	opts := append(vtyshOptions(),
		options.WithAuthUsername(r.Username),
		options.WithAuthPrivateKey(r.PrivateKeyFile, ""),
		options.WithPort(r.Port),
		options.WithTransportType(transport.StandardTransport),
		options.WithSSHKnownHostsFile(r.KnownHostsFile),
	)
	d, err := network.NewDriver(r.Host, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Open(); err != nil {
		t.Fatalf("open with key: %v", err)
	}
	defer d.Close()
	v, err := d.SendCommand("show version")
	if err != nil || !strings.Contains(v.Result, "FRRouting 8.4") {
		t.Fatalf("show version: %v %q", err, v.Result)
	}
}

// The known behaviours of the standard transport that the provider has to handle.
func TestScrapligoStandardTransportBehaviours(t *testing.T) {
	r := Start(t)

	t.Run("exit on close gives EOF", func(t *testing.T) {
		d := openDriver(t, r, options.WithNetworkOnClose(func(d *network.Driver) error {
			if err := d.AcquirePriv("exec"); err != nil {
				return err
			}
			if err := d.Channel.Write([]byte("exit"), false); err != nil {
				return err
			}
			return d.Channel.WriteReturn()
		}))
		err := d.Close()
		if err != nil && !errors.Is(err, io.EOF) {
			t.Errorf("Close after exit: %v, want nil or io.EOF", err)
		}
		t.Logf("Close after an on-close exit returned %v", err)
	})

	t.Run("wrong host key", func(t *testing.T) {
		other := t.TempDir() + "/known_hosts"
		line := knownhosts.Line([]string{net.JoinHostPort(r.Host, strconv.Itoa(r.Port))}, mustGenKey(t))
		if err := os.WriteFile(other, []byte(line+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		opts := append(vtyshOptions(), connOptions(r)...)
		opts = append(opts, options.WithSSHKnownHostsFile(other))
		d, err := network.NewDriver(r.Host, opts...)
		if err != nil {
			t.Fatal(err)
		}
		err = d.Open()
		var keyErr *knownhosts.KeyError
		if !errors.As(err, &keyErr) {
			d.Close()
			t.Fatalf("open with a wrong host key: %v, want a knownhosts.KeyError", err)
		}
	})

	t.Run("wrong password", func(t *testing.T) {
		opts := append(vtyshOptions(), connOptions(r)...)
		opts = append(opts, options.WithAuthPassword("wrong"))
		d, err := network.NewDriver(r.Host, opts...)
		if err != nil {
			t.Fatal(err)
		}
		err = d.Open()
		if err == nil || !strings.Contains(err.Error(), "unable to authenticate") {
			d.Close()
			t.Fatalf("open with a wrong password: %v", err)
		}
	})

	t.Run("connection drops", func(t *testing.T) {
		d := openDriver(t, r)
		if _, err := d.SendConfigs([]string{"interface lo"}); err != nil {
			t.Fatal(err)
		}
		r.KillSSH()
		defer r.RestartSSH(t)
		resp, err := d.SendConfigs([]string{"description after-drop"}, opoptions.WithTimeoutOps(5*time.Second))
		if err == nil && (resp == nil || resp.Failed == nil) {
			t.Errorf("SendConfigs on a dropped connection succeeded")
		}
		t.Logf("SendConfigs on a dropped connection: err %v", err)
		_ = d.Close()
		if strings.Contains(r.VTY(t, "show running-config"), "after-drop") {
			t.Errorf("the line sent after the drop was applied")
		}
	})
}
