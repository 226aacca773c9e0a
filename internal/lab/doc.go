// Package lab runs simulated network devices for tests, benchmarks and the
// quickstart: switches that speak their platform's CLI (Cisco IOS-XE, Arista
// EOS, Cisco NX-OS) over real SSH on 127.0.0.1, keep a configuration of their
// own, and print it back the way the real operating system does.
//
// The simulators are an independent implementation of the platforms: they
// share no code with providers/network, so that a misunderstanding in the
// provider is not mirrored by the device it is tested against. What they
// print follows captured output of real devices (../shared/fixtures/network)
// and the platforms' documented behaviour, including the quirks a provider
// has to cope with: abbreviations, prompts that change with the mode, errors
// that do not all start with the same marker, `--More--` paging until
// `terminal length 0`, confirmation prompts on `copy`, and configuration
// lines the device rewrites (VLAN ranges, port names in access lists, long
// trunk lists split into `switchport trunk allowed vlan add` lines).
//
// Tests can inject faults into a running device: RejectLine, DropAfter and
// SetLatency. A Lab is a set of devices (and, later, other services) started
// together; `steward lab` runs one in the background.
//
// In a test:
//
//	l, err := lab.Start(ctx, lab.Options{Latency: 20 * time.Millisecond})
//	defer l.Stop()
//	core := l.Device("core-1")            // cisco_iosxe; "access-1" is arista_eos
//	os.WriteFile(dir+"/providers.st.hcl", []byte(l.ProviderHCL()), 0o644)
//	os.WriteFile(dir+"/lab.auto.vars.hcl", []byte(l.VarsHCL()), 0o600)
//	core.RejectLine("name finance")       // that line gets % Invalid input
//	core.DropAfter(3)                     // the 4th command from now drops the connection
//	core.Console("configure terminal", "interface Gi1/0/1", "description by hand", "end") // drift
//	n := core.CommandCount()              // commands received over SSH
//	text := core.Config()                 // show running-config
package lab
