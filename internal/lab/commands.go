package lab

import (
	"fmt"
	"net/netip"
	"regexp"
	"sort"
	"strings"
	"time"
)

// trees holds a platform's command trees, one per mode.
type trees struct {
	user, priv, config, iface, vlan, aclExt, aclStd, vrf *tree
}

func (t *trees) forMode(k modeKind, std bool) *tree {
	switch k {
	case modeUser:
		return t.user
	case modePriv:
		return t.priv
	case modeIf:
		return t.iface
	case modeVLAN:
		return t.vlan
	case modeACL:
		if std {
			return t.aclStd
		}
		return t.aclExt
	case modeVRF:
		return t.vrf
	}
	return t.config
}

func buildTrees(p *platform) *trees {
	rests := map[string]restFunc{
		"ace":     restACE(false),
		"aceStd":  restACE(true),
		"route":   restRoute(true),
		"routeNo": restRoute(false),
	}
	t := &trees{}
	for _, tp := range []**tree{&t.user, &t.priv, &t.config, &t.iface, &t.vlan, &t.aclExt, &t.aclStd, &t.vrf} {
		*tp = newTree(rests)
	}
	nx, eos, ios := p.name == PlatformNXOS, p.name == PlatformEOS, p.name == PlatformIOSXE

	// Exec modes.
	termLenMax := map[string]int{PlatformIOSXE: 512, PlatformEOS: 32767, PlatformNXOS: 511}[p.name]
	for _, x := range []*tree{t.user, t.priv} {
		x.add("enable", runEnable)
		x.add("disable", func(c *call) { c.s.mode = mode{kind: modeUser} })
		x.add("exit", runLogout)
		x.add("logout", runLogout)
		x.add(fmt.Sprintf("terminal length {n:0-%d}", termLenMax), func(c *call) { c.s.termLen = c.num("n") })
		x.add(fmt.Sprintf("terminal width {n:%d-%d}", p.termWidthLo, p.termWidthHi), func(c *call) { c.s.termWidth = c.num("n") })
		x.add("terminal monitor", func(c *call) {})
		x.add("terminal no monitor", func(c *call) {})
		if nx {
			x.add("terminal dont-ask", func(c *call) {})
			x.add("terminal session-timeout {n:0-525600}", func(c *call) {})
		}
		if eos {
			x.add("terminal dont-ask", func(c *call) {})
			x.add("no terminal monitor", func(c *call) {})
		}
		x.add("show version", func(c *call) { c.println(c.s.dev.showVersion()) })
		x.add("show clock", func(c *call) { c.println(c.s.dev.showClock()) })
	}
	addShow(t.priv, p)
	t.priv.add("configure terminal", runConfigure)
	if ios {
		t.priv.add("configure", runConfigureAsk)
		t.priv.add("write", runSave)
		t.priv.add("write memory", runSave)
		t.priv.add("configure replace {file:word}", runConfigReplace)
		t.priv.add("configure replace {file:word} force", runConfigReplace)
		t.priv.add("delete /force {file:word}", runDelete)
		t.priv.add("delete {file:word}", runDelete)
		t.priv.add("dir", runDir)
		t.priv.add("dir {file:word}", runDir)
	}
	if eos {
		t.priv.add("configure", runConfigure)
		t.priv.add("configure session", runConfigSession)
		t.priv.add("configure session {name:word}", runConfigSession)
		t.priv.add("no configure session {name:word}", runNoConfigSession)
		t.priv.add("configure replace {file:word}", runConfigReplace)
		t.priv.add("write", runSave)
		t.priv.add("write memory", runSave)
		t.priv.add("delete {file:word}", runDelete)
		t.priv.add("dir", runDir)
		t.priv.add("dir {file:word}", runDir)
	}
	if nx {
		t.priv.add("configure", runConfigure)
		t.priv.add("checkpoint", runCheckpoint)
		t.priv.add("checkpoint {name:word}", runCheckpoint)
		t.priv.add("no checkpoint {name:word}", runNoCheckpoint)
		t.priv.add("rollback running-config checkpoint {name:word}", runRollback)
		t.priv.add("delete {file:word}", runDelete)
		t.priv.add("delete {file:word} no-prompt", runDelete)
		t.priv.add("dir", runDir)
		t.priv.add("dir {file:word}", runDir)
	}
	t.priv.add("copy running-config startup-config", runSave)
	t.priv.add("copy running-config {file:word}", runCopyToFile)

	// Global configuration.
	cfg := t.config
	cfg.add("end", runEnd)
	cfg.add("exit", runEnd)
	cfg.add("hostname {name:word}", runHostname)
	cfg.add("no hostname", runHostname)
	cfg.add("vlan {ids:vlans}", runVLAN)
	cfg.add("no vlan {ids:vlans}", runNoVLAN)
	cfg.add("interface {if:iface}", runInterface)
	cfg.add("no interface {if:iface}", runNoInterface)
	cfg.add("default interface {if:iface}", runDefaultInterface)
	cfg.add("ip route {r:rest:route}", runRoute)
	cfg.add("no ip route {r:rest:routeNo}", runNoRoute)
	if ios {
		cfg.add("file prompt quiet", runFilePrompt)
		cfg.add("no file prompt quiet", runFilePrompt)
		cfg.add("no file prompt", runFilePrompt)
		cfg.add("ip access-list extended {name:word}", runACL)
		cfg.add("ip access-list standard {name:word}", runACL)
		cfg.add("no ip access-list extended {name:word}", runNoACL)
		cfg.add("no ip access-list standard {name:word}", runNoACL)
	} else {
		cfg.add("ip access-list {name:word}", runACL)
		cfg.add("no ip access-list {name:word}", runNoACL)
	}
	if eos {
		cfg.add("ip access-list standard {name:word}", runACL)
		cfg.add("no ip access-list standard {name:word}", runNoACL)
		cfg.add("commit", runCommit)
		cfg.add("abort", runAbort)
	}
	if nx {
		cfg.add("vrf context {name:word}", runVRFContext)
		cfg.add("no vrf context {name:word}", runNoVRFContext)
	}

	// Interface configuration.
	ifc := t.iface
	ifc.add("end", runEnd)
	ifc.add("exit", runExitSub)
	ifc.add("description {text:line}", runDescription)
	ifc.add("no description", runDescription)
	ifc.add("default description", runDescription)
	ifc.add("shutdown", runShutdown)
	ifc.add("no shutdown", runShutdown)
	ifc.add("default shutdown", runShutdown)
	ifc.add("switchport", runSwitchport)
	ifc.add("no switchport", runSwitchport)
	modes := []string{"access", "trunk"}
	if ios {
		modes = append(modes, "dynamic auto", "dynamic desirable")
	}
	for _, m := range modes {
		ifc.add("switchport mode "+m, runSwitchportMode)
	}
	ifc.add("no switchport mode", runSwitchportMode)
	ifc.add("default switchport mode", runSwitchportMode)
	ifc.add("switchport access vlan {id:1-4094}", runAccessVLAN)
	ifc.add("no switchport access vlan", runAccessVLAN)
	ifc.add("default switchport access vlan", runAccessVLAN)
	ifc.add("switchport trunk native vlan {id:1-4094}", runNativeVLAN)
	ifc.add("no switchport trunk native vlan", runNativeVLAN)
	ifc.add("default switchport trunk native vlan", runNativeVLAN)
	ifc.add("switchport trunk allowed vlan {ids:vlans}", runAllowed)
	for _, op := range []string{"add", "remove", "except"} {
		ifc.add("switchport trunk allowed vlan "+op+" {ids:vlans}", runAllowed)
	}
	ifc.add("switchport trunk allowed vlan all", runAllowed)
	ifc.add("switchport trunk allowed vlan none", runAllowed)
	ifc.add("no switchport trunk allowed vlan", runAllowed)
	ifc.add("default switchport trunk allowed vlan", runAllowed)
	if ios {
		ifc.add("ip address {ip:ipv4} {mask:ipv4}", runIPAddress)
	} else {
		ifc.add("ip address {pfx:prefix}", runIPAddress)
		ifc.add("ip address {ip:ipv4} {mask:ipv4}", runIPAddress)
		ifc.add("no ip address {pfx:prefix}", runIPAddress)
	}
	ifc.add("no ip address", runIPAddress)
	ifc.add("no ip address {ip:ipv4} {mask:ipv4}", runIPAddress)
	ifc.add("default ip address", runIPAddress)
	ifc.add(fmt.Sprintf("mtu {n:%d-%d}", p.mtuLo, p.mtuHi), runMTU)
	ifc.add("no mtu", runMTU)
	ifc.add("default mtu", runMTU)

	// VLAN configuration.
	vl := t.vlan
	vl.add("end", runEnd)
	vl.add("exit", runExitSub)
	vl.add("name {name:word}", runVLANName)
	vl.add("no name", runVLANName)
	vl.add("state active", runVLANState)
	vl.add("state suspend", runVLANState)
	vl.add("no state", runVLANState)

	// Access-list configuration.
	for _, x := range []struct {
		t    *tree
		rest string
	}{{t.aclExt, "ace"}, {t.aclStd, "aceStd"}} {
		x.t.add("end", runEnd)
		x.t.add("exit", runExitSub)
		for _, a := range []string{"permit", "deny"} {
			x.t.add(a+" {ace:rest:"+x.rest+"}", runACE)
			x.t.add("{seq:1-2147483647} "+a+" {ace:rest:"+x.rest+"}", runACE)
			x.t.add("no "+a+" {ace:rest:"+x.rest+"}", runNoACE)
		}
		x.t.add("remark {text:line}", runACE)
		x.t.add("{seq:1-2147483647} remark {text:line}", runACE)
		x.t.add("no {seq:1-2147483647}", runNoACE)
		x.t.add("no remark {text:line}", runNoACE)
	}

	// NX-OS VRF context.
	t.vrf.add("end", runEnd)
	t.vrf.add("exit", runExitSub)
	t.vrf.add("ip route {r:rest:route}", runRoute)
	t.vrf.add("no ip route {r:rest:routeNo}", runNoRoute)

	if !ios {
		// EOS and NX-OS accept show commands in every configuration mode.
		for _, x := range []*tree{t.config, t.iface, t.vlan, t.aclExt, t.aclStd, t.vrf} {
			addShow(x, p)
		}
	}
	return t
}

func addShow(t *tree, p *platform) {
	t.add("show running-config", func(c *call) { c.block(c.s.dev.renderRunning(c.s.dev.running)) })
	t.add("show running-config interface {if:iface}", runShowRunIf)
	t.add("show startup-config", func(c *call) {
		if c.s.dev.startup == nil {
			c.println("startup-config is not present")
			return
		}
		c.block(c.s.dev.renderStartup())
	})
	t.add("show version", func(c *call) { c.println(c.s.dev.showVersion()) })
	t.add("show clock", func(c *call) { c.println(c.s.dev.showClock()) })
	t.add("show vlan", func(c *call) { c.block(c.s.dev.showVLAN(c.s.target(), false)) })
	t.add("show vlan brief", func(c *call) { c.block(c.s.dev.showVLAN(c.s.target(), true)) })
	ifWord := "interfaces"
	if p.name == PlatformNXOS {
		ifWord = "interface"
	}
	t.add("show "+ifWord+" status", func(c *call) { c.block(c.s.dev.showInterfacesStatus()) })
	t.add("show ip interface brief", func(c *call) { c.block(c.s.dev.showIPInterfaceBrief()) })
	if p.name != PlatformIOSXE {
		t.add("show hostname", func(c *call) { c.println(c.s.dev.showHostname()) })
	}
	if p.name == PlatformEOS {
		t.add("show session-config", runShowSessionConfig)
		t.add("show session-config diffs", runShowSessionConfig)
		t.add("show session-config named {name:word}", runShowSessionConfig)
		t.add("show session-config named {name:word} diffs", runShowSessionConfig)
		t.add("show configuration sessions", runShowSessions)
	}
	if p.name == PlatformNXOS {
		t.add("show checkpoint summary", runShowCheckpoints)
	}
}

// restACE checks an access-list entry after permit or deny.
func restACE(standard bool) restFunc {
	return func(s *session, toks []token) (any, int, bool) {
		e, bad, incomplete := parseACE(s.dev.plat, standard, "", toks)
		return e, bad, incomplete
	}
}

// restRoute checks a static route; for `no ip route` the next hop may be
// left out (removing every route to the prefix).
func restRoute(needNextHop bool) restFunc {
	return func(s *session, toks []token) (any, int, bool) {
		r, bad, incomplete, hostBits := parseRoute(s.dev.plat, toks, true)
		if incomplete && !needNextHop {
			// Retry with a placeholder next hop to see whether only the
			// next hop was missing.
			extra := append(append([]token(nil), toks...), token{text: "0.0.0.0"})
			r2, bad2, incomplete2, hb2 := parseRoute(s.dev.plat, extra, true)
			if bad2 < 0 && !incomplete2 {
				r2.nextHop = netip.Addr{}
				return routeArg{r: r2, hostBits: hb2}, -1, false
			}
		}
		if bad >= 0 || incomplete {
			return nil, bad, incomplete
		}
		if r.iface != "" && r.iface != "Null0" {
			if _, ok := s.dev.running.ifaces[r.iface]; !ok && s.target().ifaces[r.iface] == nil {
				// The interface word is where the route went wrong.
				for i, tk := range toks {
					if n, err := s.dev.plat.parseIfString(tk.text); err == nil && n.String() == r.iface {
						return nil, i, false
					}
				}
				return nil, len(toks) - 1, false
			}
		}
		return routeArg{r: r, hostBits: hostBits}, -1, false
	}
}

type routeArg struct {
	r        route
	hostBits bool
}

// ---- exec commands ----

func runEnable(c *call) {
	s := c.s
	if s.mode.kind != modeUser {
		return
	}
	secret := s.dev.spec.EnableSecret
	if secret == "" {
		s.mode.kind = modePriv
		return
	}
	s.ask("Password: ", true, func(answer string) {
		if answer == secret {
			s.mode.kind = modePriv
			s.respond("")
			return
		}
		s.respond("% Access denied\n")
	})
}

func runLogout(c *call) {
	c.s.closed = true
}

func runEnd(c *call) {
	c.s.mode = mode{kind: modePriv}
	c.s.cfgSession = ""
}

func runExitSub(c *call) {
	c.s.mode = mode{kind: modeConfig}
}

func runConfigure(c *call) {
	s := c.s
	s.mode = mode{kind: modeConfig}
	switch s.dev.plat.name {
	case PlatformIOSXE:
		c.println("Enter configuration commands, one per line.  End with CNTL/Z.")
	case PlatformNXOS:
		c.println("Enter configuration commands, one per line. End with CNTL/Z.")
	}
}

// runConfigureAsk is IOS's bare `configure`, which asks where from.
func runConfigureAsk(c *call) {
	s := c.s
	s.ask("Configuring from terminal, memory, or network [terminal]? ", false, func(answer string) {
		a := strings.ToLower(strings.TrimSpace(answer))
		if a == "" || strings.HasPrefix("terminal", a) {
			s.mode = mode{kind: modeConfig}
			s.respond("Enter configuration commands, one per line.  End with CNTL/Z.")
			return
		}
		s.respond("?Must be \"terminal\", \"memory\" or \"network\"")
	})
}

func runSave(c *call) {
	d := c.s.dev
	save := func() {
		d.startup = d.running.clone()
		d.lastSave, d.lastSaveBy = time.Now(), c.s.user
	}
	switch d.plat.name {
	case PlatformEOS:
		save()
		c.println("Copy completed successfully.")
	case PlatformNXOS:
		save()
		c.println("[########################################] 100%", "Copy complete, now saving to disk (please wait)...", "Copy complete.")
	default:
		if c.has("copy") && !d.running.fileQuiet {
			s := c.s
			s.ask("Destination filename [startup-config]? ", false, func(string) {
				save()
				s.respond("Building configuration...\n[OK]")
			})
			return
		}
		save()
		c.println("Building configuration...", "[OK]")
	}
}

// fileName turns flash:name, flash:/name or bootflash:name into the file's
// name on the simulated flash; ok is false for another file system.
func (d *Device) fileName(arg string) (string, bool) {
	fs, name, found := strings.Cut(arg, ":")
	if !found {
		return "", false
	}
	want := "flash"
	if d.plat.name == PlatformNXOS {
		want = "bootflash"
	}
	if !strings.EqualFold(fs, want) {
		return "", false
	}
	name = strings.TrimPrefix(name, "/")
	return name, name != ""
}

func (c *call) fileArgTok() int {
	for i, tk := range c.toks {
		if strings.Contains(tk.text, ":") {
			return i
		}
	}
	return len(c.toks) - 1
}

func runCopyToFile(c *call) {
	s, d := c.s, c.s.dev
	name, ok := d.fileName(c.str("file"))
	if !ok {
		c.invalid(c.fileArgTok())
		return
	}
	write := func() string {
		cfg := d.running.clone()
		d.files[name] = &flashFile{cfg: cfg, text: d.renderRunning(cfg), at: time.Now()}
		return d.files[name].text
	}
	switch d.plat.name {
	case PlatformEOS:
		write()
		c.println("Copy completed successfully.")
	case PlatformNXOS:
		write()
		c.println("Copy complete.")
	default:
		if d.running.fileQuiet {
			text := write()
			c.println(fmt.Sprintf("%d bytes copied in 0.052 secs (%d bytes/sec)", len(text), len(text)*19))
			return
		}
		s.ask("Destination filename ["+name+"]? ", false, func(answer string) {
			if a := strings.TrimSpace(answer); a != "" {
				name = strings.TrimPrefix(strings.TrimPrefix(a, "flash:"), "/")
			}
			done := func() {
				text := write()
				s.respond(fmt.Sprintf("%d bytes copied in 0.052 secs (%d bytes/sec)", len(text), len(text)*19))
			}
			if _, exists := d.files[name]; exists {
				s.ask("%Warning:There is a file already existing with this name \nDo you want to over write? [confirm]", false, func(answer string) {
					if a := strings.ToLower(strings.TrimSpace(answer)); a == "" || a == "y" || a == "yes" {
						done()
						return
					}
					s.respond("")
				})
				s.respond("")
				return
			}
			done()
		})
	}
}

func runFilePrompt(c *call) {
	c.s.target().fileQuiet = !c.has("no")
	c.changed = true
}

func runConfigReplace(c *call) {
	s, d := c.s, c.s.dev
	name, ok := d.fileName(c.str("file"))
	if !ok {
		c.invalid(c.fileArgTok())
		return
	}
	f := d.files[name]
	if f == nil {
		if d.plat.name == PlatformEOS {
			c.println("% Error: could not open flash:/" + name + " (No such file or directory)")
		} else {
			c.println("%Error opening flash:" + name + " (No such file or directory)")
		}
		return
	}
	replace := func() {
		d.running = f.cfg.clone()
		d.noteChange(s.user, false)
	}
	if d.plat.name == PlatformEOS {
		replace()
		return
	}
	if c.has("force") {
		replace()
		c.println("Total number of passes: 1", "Rollback Done", "")
		return
	}
	s.ask("This will apply all necessary additions and deletions\nto replace the current running configuration with the\ncontents of the specified configuration file, which is\nassumed to be a complete configuration, not a partial\nconfiguration. Enter Y if you are sure you want to proceed. ? [no]: ", false, func(answer string) {
		if a := strings.ToLower(strings.TrimSpace(answer)); a == "y" || a == "yes" {
			replace()
			s.respond("Total number of passes: 1\nRollback Done\n\n")
			return
		}
		s.respond("")
	})
}

func runDelete(c *call) {
	s, d := c.s, c.s.dev
	name, ok := d.fileName(c.str("file"))
	if !ok {
		c.invalid(c.fileArgTok())
		return
	}
	missing := func() string {
		if d.plat.name == PlatformEOS {
			return "% Error deleting flash:/" + name + " (No such file or directory)"
		}
		return "%Error deleting flash:/" + name + " (No such file or directory)"
	}
	if d.plat.name != PlatformIOSXE || c.has("/force") || d.running.fileQuiet {
		if _, ok := d.files[name]; !ok {
			c.println(missing())
			return
		}
		delete(d.files, name)
		return
	}
	s.ask("Delete filename ["+name+"]? ", false, func(string) {
		s.ask("Delete flash:/"+name+"? [confirm]", false, func(answer string) {
			if a := strings.ToLower(strings.TrimSpace(answer)); a != "" && a != "y" && a != "yes" {
				s.respond("")
				return
			}
			if _, ok := d.files[name]; !ok {
				s.respond(missing())
				return
			}
			delete(d.files, name)
			s.respond("")
		})
		s.respond("")
	})
}

func runDir(c *call) {
	d := c.s.dev
	names := make([]string, 0, len(d.files))
	for n := range d.files {
		names = append(names, n)
	}
	sort.Strings(names)
	switch d.plat.name {
	case PlatformEOS:
		c.println("Directory of flash:/", "")
		c.println("       -rwx   1036141472           Jan  8 09:12  vEOS-lab.swi")
		for _, n := range names {
			f := d.files[n]
			c.println(fmt.Sprintf("       -rwx %12d           %s  %s", len(f.text), f.at.UTC().Format("Jan _2 15:04"), n))
		}
		c.println("", "3999125504 bytes total (2981408768 bytes free)")
	case PlatformNXOS:
		for _, n := range names {
			f := d.files[n]
			c.println(fmt.Sprintf("  %10d    %s  %s", len(f.text), f.at.UTC().Format("Jan 02 15:04:05 2006"), n))
		}
		c.println("", "Usage for bootflash://sup-local", " 5021138944 bytes used", "48201588736 bytes free", "53222727680 bytes total")
	default:
		c.println("Directory of flash:/", "")
		c.println("475140  -rw-             2097  Jan 8 2024 09:12:31 +00:00  packages.conf")
		for i, n := range names {
			f := d.files[n]
			c.println(fmt.Sprintf("%6d  -rw-  %15d  %s  %s", 475141+i, len(f.text), f.at.UTC().Format("Jan 2 2006 15:04:05 -07:00"), n))
		}
		c.println("", "11353194496 bytes total (8234999808 bytes free)")
	}
}

func runConfigSession(c *call) {
	s, d := c.s, c.s.dev
	name := c.str("name")
	if name == "" {
		d.sessionSeq++
		name = fmt.Sprintf("session%d", 1000000+d.sessionSeq)
	}
	if d.sessions[name] == nil {
		if d.completed[name] {
			c.println("% Cannot enter session " + name + " (session has already been completed)")
			return
		}
		d.sessions[name] = &cfgSession{cfg: d.running.clone(), user: s.user, created: time.Now()}
	}
	s.cfgSession = name
	s.mode = mode{kind: modeConfig}
}

func runNoConfigSession(c *call) {
	name := c.str("name")
	if c.s.dev.sessions[name] == nil {
		c.println("% Session " + name + " does not exist")
		return
	}
	delete(c.s.dev.sessions, name)
}

func runCommit(c *call) {
	s, d := c.s, c.s.dev
	if s.cfgSession == "" {
		c.invalid(0)
		return
	}
	cs := d.sessions[s.cfgSession]
	d.running = cs.cfg
	delete(d.sessions, s.cfgSession)
	d.completed[s.cfgSession] = true
	s.cfgSession = ""
	s.mode = mode{kind: modePriv}
	c.changed = true
}

func runAbort(c *call) {
	s, d := c.s, c.s.dev
	if s.cfgSession == "" {
		c.invalid(0)
		return
	}
	delete(d.sessions, s.cfgSession)
	s.cfgSession = ""
	s.mode = mode{kind: modePriv}
}

func runShowSessionConfig(c *call) {
	s, d := c.s, c.s.dev
	name := c.str("name")
	if name == "" {
		name = s.cfgSession
	}
	cs := d.sessions[name]
	if cs == nil {
		if name == "" {
			c.println("% Not in a configuration session")
		} else {
			c.println("% Session " + name + " does not exist")
		}
		return
	}
	if !c.has("diffs") {
		c.block(d.renderRunning(cs.cfg))
		return
	}
	c.block(unifiedDiff(splitLines(d.renderRunning(d.running)), splitLines(d.renderRunning(cs.cfg)),
		"system:/running-config", "session:/"+name+"-session-config"))
}

func runShowSessions(c *call) {
	s, d := c.s, c.s.dev
	c.println("Maximum number of completed sessions: 1", "Maximum number of pending sessions: 5", "")
	c.println("  Name          State         User     Terminal", "  ------------- ------------- -------- --------")
	names := make([]string, 0, len(d.sessions))
	for n := range d.sessions {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		mark := " "
		if n == s.cfgSession {
			mark = "*"
		}
		c.println(fmt.Sprintf("%s %-13s %-13s %-8s", mark, n, "pending", d.sessions[n].user))
	}
}

func runCheckpoint(c *call) {
	d := c.s.dev
	name := c.str("name")
	if name == "" {
		d.checkpointSeq++
		name = fmt.Sprintf("user-checkpoint-%d", d.checkpointSeq)
	}
	if _, exists := d.checkpoints[name]; exists {
		c.println("ERROR: Checkpoint name is in use")
		return
	}
	cfg := d.running.clone()
	d.checkpoints[name] = &flashFile{cfg: cfg, text: d.renderRunning(cfg), at: time.Now(), user: c.s.user}
	c.println("...........Done")
}

func runNoCheckpoint(c *call) {
	d := c.s.dev
	name := c.str("name")
	if _, ok := d.checkpoints[name]; !ok {
		c.println("ERROR: No checkpoint with name " + name)
		return
	}
	delete(d.checkpoints, name)
	c.println("Done")
}

func runRollback(c *call) {
	d := c.s.dev
	cp := d.checkpoints[c.str("name")]
	if cp == nil {
		c.println("ERROR: Checkpoint " + c.str("name") + " does not exist")
		return
	}
	d.running = cp.cfg.clone()
	c.changed = true
	c.println("Note: Applying config parallelly may fail Rollback verification",
		"Collecting Running-Config",
		"#Generating Rollback Patch",
		"Executing Rollback Patch",
		"Generating Running-config for verification",
		"Generating Patch for verification",
		"Verification is Successful.",
		"",
		"Rollback completed successfully.",
		"")
}

func runShowCheckpoints(c *call) {
	d := c.s.dev
	c.println("User Checkpoint Summary", strings.Repeat("-", 80))
	names := make([]string, 0, len(d.checkpoints))
	for n := range d.checkpoints {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool { return d.checkpoints[names[i]].at.Before(d.checkpoints[names[j]].at) })
	for i, n := range names {
		cp := d.checkpoints[n]
		c.println(fmt.Sprintf("%d) %s:", i+1, n), "Created by "+cp.user, "Created at "+cp.at.UTC().Format("Mon, 15:04:05 02 Jan 2006"),
			fmt.Sprintf("Size is %s bytes", commaInt(len(cp.text))), "Description: None", "")
	}
}

func runShowRunIf(c *call) {
	d := c.s.dev
	n := c.args["if"].(ifName)
	i := d.running.ifaces[n.String()]
	if i == nil {
		c.invalid(3)
		return
	}
	c.block(d.renderRunningIf(i))
}

// ---- global configuration ----

var (
	iosHostname = regexp.MustCompile(`^[A-Za-z]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)
	anyHostname = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9.-]{0,61}[A-Za-z0-9])?$`)
)

func runHostname(c *call) {
	p := c.s.dev.plat
	if c.has("no") {
		c.s.target().hostname = map[string]string{PlatformIOSXE: "Switch", PlatformEOS: "localhost", PlatformNXOS: "switch"}[p.name]
		c.changed = true
		return
	}
	name := c.str("name")
	valid := anyHostname
	if p.name == PlatformIOSXE {
		valid = iosHostname
	}
	if !valid.MatchString(name) {
		switch p.name {
		case PlatformIOSXE:
			c.println("% Hostname contains one or more illegal characters.")
		case PlatformEOS:
			c.println("% Invalid hostname: " + name)
		default:
			c.invalid(1)
		}
		return
	}
	c.s.target().hostname = name
	c.changed = true
}

func isReservedVLAN(p *platform, id int) bool {
	return p.name == PlatformIOSXE && id >= 1002 && id <= 1005
}

func runVLAN(c *call) {
	s := c.s
	set := c.args["ids"].(vlanSet)
	cfg := s.target()
	for _, id := range set.ids() {
		if isReservedVLAN(s.dev.plat, id) {
			continue
		}
		if cfg.vlans[id] == nil {
			cfg.vlans[id] = &vlan{id: id}
			c.changed = true
		}
	}
	s.mode = mode{kind: modeVLAN, vlans: set.ids(), vlanID: set.String()}
}

func runNoVLAN(c *call) {
	s := c.s
	p := s.dev.plat
	cfg := s.target()
	for _, id := range c.args["ids"].(vlanSet).ids() {
		if id == 1 || isReservedVLAN(p, id) {
			switch p.name {
			case PlatformIOSXE:
				c.println(fmt.Sprintf("%%Default VLAN %d may not be deleted.", id))
				continue
			case PlatformNXOS:
				c.println("ERROR: Default VLAN 1 cannot be deleted")
				continue
			}
		}
		if cfg.vlans[id] != nil {
			delete(cfg.vlans, id)
			c.changed = true
		}
	}
}

func runInterface(c *call) {
	s := c.s
	n := c.args["if"].(ifName)
	cfg := s.target()
	if cfg.ifaces[n.String()] == nil {
		switch n.typ.kind {
		case ifVlan, ifLoopback:
			i := newIface(n)
			if s.dev.plat.name == PlatformNXOS && n.typ.kind == ifVlan {
				i.shutdown = true // NX-OS creates SVIs shut down
			}
			cfg.ifaces[n.String()] = i
			c.changed = true
		default:
			c.invalid(1)
			return
		}
	}
	s.mode = mode{kind: modeIf, iface: n}
}

func runNoInterface(c *call) {
	s := c.s
	n := c.args["if"].(ifName)
	cfg := s.target()
	i := cfg.ifaces[n.String()]
	if n.typ.kind != ifVlan && n.typ.kind != ifLoopback {
		if s.dev.plat.name == PlatformEOS {
			c.println("% Removal of physical interfaces is not permitted")
			return
		}
		c.invalid(2)
		return
	}
	if i != nil {
		delete(cfg.ifaces, n.String())
		c.changed = true
	}
}

func runDefaultInterface(c *call) {
	s := c.s
	n := c.args["if"].(ifName)
	cfg := s.target()
	if cfg.ifaces[n.String()] == nil {
		c.invalid(2)
		return
	}
	cfg.ifaces[n.String()] = newIface(n)
	c.changed = true
	if s.dev.plat.name == PlatformIOSXE {
		c.println("Interface " + n.String() + " set to default configuration")
	}
}

func runRoute(c *call) {
	s := c.s
	p := s.dev.plat
	ra := c.args["r"].(routeArg)
	r := ra.r
	if s.mode.kind == modeVRF {
		r.vrf = s.mode.vrf
	}
	cfg := s.target()
	if ra.hostBits && p.name == PlatformIOSXE {
		c.println("%Inconsistent address and mask")
		return
	}
	if r.nextHop.IsValid() && r.vrf == "" {
		for _, i := range cfg.ifaces {
			if i.addr.IsValid() && i.addr.Addr() == r.nextHop {
				if p.name == PlatformIOSXE {
					c.println("%Invalid next hop address (it's this router)")
				} else {
					c.println("% Error: next hop " + r.nextHop.String() + " is a local address")
				}
				return
			}
		}
	}
	for k := range cfg.routes {
		if sameRoute(cfg.routes[k], r) {
			cfg.routes[k] = r
			c.changed = true
			return
		}
	}
	cfg.routes = append(cfg.routes, r)
	cfg.sortRoutes()
	c.changed = true
}

func runNoRoute(c *call) {
	s := c.s
	ra := c.args["r"].(routeArg)
	r := ra.r
	if s.mode.kind == modeVRF {
		r.vrf = s.mode.vrf
	}
	cfg := s.target()
	kept := cfg.routes[:0]
	removed := 0
	for _, x := range cfg.routes {
		match := x.vrf == r.vrf && x.prefix == r.prefix
		if match && (r.nextHop.IsValid() || r.iface != "") {
			match = x.nextHop == r.nextHop && x.iface == r.iface
		}
		if match {
			removed++
			continue
		}
		kept = append(kept, x)
	}
	cfg.routes = kept
	if removed > 0 {
		c.changed = true
	} else if s.dev.plat.name == PlatformIOSXE {
		c.println("%No matching route to delete")
	}
}

func runACL(c *call) {
	s := c.s
	p := s.dev.plat
	name := c.str("name")
	std := c.has("standard")
	cfg := s.target()
	a := cfg.acls[name]
	if a != nil && a.standard != std {
		switch p.name {
		case PlatformIOSXE:
			kind := "extended"
			if a.standard {
				kind = "standard"
			}
			c.println("% A named " + kind + " IP access list with this name already exists")
		default:
			c.println("% Error: access list " + name + " is of a different type")
		}
		return
	}
	if a == nil {
		cfg.acls[name] = &acl{name: name, standard: std}
		c.changed = true
	}
	s.mode = mode{kind: modeACL, acl: name, aclStd: std}
}

func runNoACL(c *call) {
	cfg := c.s.target()
	name := c.str("name")
	if a := cfg.acls[name]; a != nil && a.standard == c.has("standard") {
		delete(cfg.acls, name)
		c.changed = true
	}
}

func runVRFContext(c *call) {
	name := c.str("name")
	c.s.target().vrfs[name] = true
	c.s.mode = mode{kind: modeVRF, vrf: name}
	c.changed = true
}

func runNoVRFContext(c *call) {
	name := c.str("name")
	if name == "management" {
		c.println("ERROR: Cannot delete reserved VRF management")
		return
	}
	cfg := c.s.target()
	delete(cfg.vrfs, name)
	kept := cfg.routes[:0]
	for _, r := range cfg.routes {
		if r.vrf != name {
			kept = append(kept, r)
		}
	}
	cfg.routes = kept
	c.changed = true
}

// ---- interface configuration ----

func (c *call) iface() *iface {
	return c.s.target().ifaces[c.s.mode.iface.String()]
}

// isSwitchable reports whether switchport commands exist on the interface.
func isSwitchable(i *iface) bool {
	return i.name.typ.kind == ifPhysical && !(i.name.typ.full == "GigabitEthernet" && len(i.name.nums) == 2)
}

func runDescription(c *call) {
	i := c.iface()
	if i == nil {
		return
	}
	text := strings.TrimSpace(c.str("text"))
	if len(text) > 240 {
		c.invalid(1)
		return
	}
	i.desc = text
	c.changed = true
}

func runShutdown(c *call) {
	i := c.iface()
	i.shutdown = !c.has("no") && !c.has("default")
	c.changed = true
}

func runSwitchport(c *call) {
	i := c.iface()
	if !isSwitchable(i) {
		c.invalid(boolInt(c.has("no")))
		return
	}
	if c.has("no") {
		if !i.routed {
			i.routed = true
			i.resetSwitchport()
			c.changed = true
		}
		return
	}
	if i.routed {
		i.routed = false
		i.addr = netip.Prefix{}
		c.changed = true
	}
}

// switchportOK checks a layer-2 command against the port: it must exist on
// the interface type, and the port must be switched.
func (c *call) switchportOK(i *iface) bool {
	if !isSwitchable(i) {
		c.invalid(boolInt(c.has("no") || c.has("default")))
		return false
	}
	if i.routed {
		switch c.s.dev.plat.name {
		case PlatformIOSXE:
			c.println("% Command rejected: " + i.name.String() + " not a switching port.")
		case PlatformEOS:
			c.println("% Error: " + i.name.String() + " is not a switched port")
		default:
			c.println("ERROR: " + i.name.String() + ": requested config change not allowed")
		}
		return false
	}
	return true
}

func runSwitchportMode(c *call) {
	i := c.iface()
	if !c.switchportOK(i) {
		return
	}
	switch {
	case c.has("no") || c.has("default"):
		i.mode = ""
	case c.has("access"):
		i.mode = "access"
	case c.has("trunk"):
		i.mode = "trunk"
	case c.has("auto"):
		i.mode = "" // dynamic auto is the Catalyst default
	case c.has("desirable"):
		i.mode = "dynamic desirable"
	}
	c.changed = true
}

func runAccessVLAN(c *call) {
	i := c.iface()
	if !c.switchportOK(i) {
		return
	}
	if c.has("no") || c.has("default") {
		i.access = 0
		c.changed = true
		return
	}
	id := c.num("id")
	cfg := c.s.target()
	if c.s.dev.plat.name == PlatformIOSXE && cfg.vlans[id] == nil && !isReservedVLAN(c.s.dev.plat, id) {
		// IOS creates the VLAN for you, and says so.
		c.println(fmt.Sprintf("%% Access VLAN does not exist. Creating vlan %d", id))
		cfg.vlans[id] = &vlan{id: id}
	}
	if id == 1 {
		id = 0
	}
	i.access = id
	c.changed = true
}

func runNativeVLAN(c *call) {
	i := c.iface()
	if !c.switchportOK(i) {
		return
	}
	if c.has("no") || c.has("default") {
		i.native = 0
	} else if id := c.num("id"); id != 1 {
		i.native = id
	} else {
		i.native = 0
	}
	c.changed = true
}

func runAllowed(c *call) {
	i := c.iface()
	if !c.switchportOK(i) {
		return
	}
	set, _ := c.args["ids"].(vlanSet)
	switch {
	case c.has("no") || c.has("default") || c.has("all"):
		i.allowed = allVLANs()
	case c.has("none"):
		i.allowed = vlanSet{}
	case c.has("add"):
		i.allowed.union(set)
	case c.has("remove"):
		i.allowed.subtract(set)
	case c.has("except"):
		all := allVLANs()
		all.subtract(set)
		i.allowed = all
	default:
		i.allowed = set
	}
	c.changed = true
}

func runIPAddress(c *call) {
	s := c.s
	p := s.dev.plat
	i := c.iface()
	if c.has("no") || c.has("default") {
		i.addr = netip.Prefix{}
		c.changed = true
		return
	}
	var pfx netip.Prefix
	if v, ok := c.args["pfx"].(netip.Prefix); ok {
		pfx = v
	} else {
		ip, mask := c.args["ip"].(netip.Addr), c.args["mask"].(netip.Addr)
		n, ok := maskBits(mask)
		if !ok {
			if p.name == PlatformIOSXE {
				c.println(fmt.Sprintf("Bad mask 0x%X for address %s", addrUint(mask), ip))
			} else {
				c.invalid(3)
			}
			return
		}
		pfx = netip.PrefixFrom(ip, n)
	}
	if !i.routed {
		switch p.name {
		case PlatformIOSXE:
			c.println("% IP addresses may not be configured on L2 links.")
			return
		case PlatformNXOS:
			c.println("ERROR: " + i.name.String() + ": requested config change not allowed")
			return
		default:
			// EOS keeps the address and warns that it has no effect yet.
			c.println("! IP configuration will be ignored while interface " + i.name.String() + " is not a routed port.")
		}
	}
	if p.name == PlatformIOSXE {
		if pfx.Bits() < 31 && (pfx.Addr() == pfx.Masked().Addr() || addrUint(pfx.Addr())|^prefixMask(pfx.Bits()) == addrUint(pfx.Addr())) {
			c.println(fmt.Sprintf("Bad mask /%d for address %s", pfx.Bits(), pfx.Addr()))
			return
		}
		for _, o := range s.target().ifaces {
			if o != i && o.addr.IsValid() && o.vrf == i.vrf && (o.addr.Masked().Overlaps(pfx.Masked())) {
				c.println(fmt.Sprintf("%% %s overlaps with %s", pfx.Masked().Addr(), o.name.String()))
				return
			}
		}
	}
	i.addr = pfx
	c.changed = true
}

func runMTU(c *call) {
	i := c.iface()
	if c.has("no") || c.has("default") {
		i.mtu = 0
	} else if n := c.num("n"); n == c.s.dev.plat.defaultMTU {
		i.mtu = 0
	} else {
		i.mtu = n
	}
	c.changed = true
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ---- VLAN configuration ----

func runVLANName(c *call) {
	s := c.s
	p := s.dev.plat
	cfg := s.target()
	name := c.str("name")
	if len(name) > 32 {
		c.invalid(1)
		return
	}
	for _, id := range s.mode.vlans {
		v := cfg.vlans[id]
		if id == 1 && p.name != PlatformEOS {
			if p.name == PlatformIOSXE {
				c.println("Default VLAN 1 may not have its name changed.")
			} else {
				c.println("ERROR: Cannot modify name of default vlan")
			}
			continue
		}
		if v == nil {
			if isReservedVLAN(p, id) {
				c.println(fmt.Sprintf("Default VLAN %d may not have its name changed.", id))
			}
			continue
		}
		if c.has("no") || name == defaultVLANName(id) {
			v.name = ""
		} else {
			v.name = name
		}
		c.changed = true
	}
}

func runVLANState(c *call) {
	cfg := c.s.target()
	for _, id := range c.s.mode.vlans {
		if v := cfg.vlans[id]; v != nil {
			v.suspended = c.has("suspend")
			c.changed = true
		}
	}
}

func defaultVLANName(id int) string {
	if id == 1 {
		return "default"
	}
	return fmt.Sprintf("VLAN%04d", id)
}

// ---- access-list configuration ----

func (c *call) acl() *acl { return c.s.target().acls[c.s.mode.acl] }

func runACE(c *call) {
	s := c.s
	p := s.dev.plat
	a := c.acl()
	if a == nil {
		return
	}
	var e ace
	if c.has("remark") {
		text := c.str("text")
		if len(text) > 100 {
			c.invalid(len(c.toks) - 1)
			return
		}
		e = ace{remark: text, icmpType: -1, icmpCode: -1}
	} else {
		e = c.args["ace"].(ace)
		e.action = "permit"
		if c.has("deny") {
			e.action = "deny"
		}
	}
	if seq, ok := c.args["seq"].(int); ok {
		for _, x := range a.entries {
			if x.seq == seq {
				switch p.name {
				case PlatformEOS:
					c.println("% Error: Duplicate sequence number")
				case PlatformNXOS:
					c.println("ERROR: Duplicate sequence number")
				default:
					c.println("% Duplicate sequence number")
				}
				return
			}
		}
		e.seq = seq
	} else {
		// An entry the list already has is not added twice.
		for _, x := range a.entries {
			if e.remark == "" && x.render(p, a.standard) == e.render(p, a.standard) {
				return
			}
		}
		e.seq = 10
		if n := len(a.entries); n > 0 {
			e.seq = a.entries[n-1].seq + 10
		}
	}
	a.entries = append(a.entries, e)
	sort.SliceStable(a.entries, func(i, j int) bool { return a.entries[i].seq < a.entries[j].seq })
	c.changed = true
}

func runNoACE(c *call) {
	p := c.s.dev.plat
	a := c.acl()
	if a == nil {
		return
	}
	match := func(x ace) bool {
		if seq, ok := c.args["seq"].(int); ok {
			return x.seq == seq
		}
		if c.has("remark") {
			return x.remark == c.str("text")
		}
		e := c.args["ace"].(ace)
		e.action = "permit"
		if c.has("deny") {
			e.action = "deny"
		}
		return x.remark == "" && x.render(p, a.standard) == e.render(p, a.standard)
	}
	kept := a.entries[:0]
	for _, x := range a.entries {
		if match(x) {
			c.changed = true
			continue
		}
		kept = append(kept, x)
	}
	a.entries = kept
}

func commaInt(n int) string {
	s := itoa(n)
	var b strings.Builder
	for i, ch := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(ch)
	}
	return b.String()
}
