package lab

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// The renderers print a configuration and the show commands the way each
// platform does, from captured output of the real systems.

// iosTime is IOS's timestamp format in configuration headers.
const iosTime = "15:04:05 MST Mon Jan 2 2006"

func (d *Device) renderRunning(cfg *config) string {
	switch d.plat.name {
	case PlatformEOS:
		return d.renderEOS(cfg)
	case PlatformNXOS:
		return d.renderNXOS(cfg, "show running-config")
	}
	body := d.renderIOSBody(cfg)
	// IOS ends the output with an empty line after "end".
	return "Building configuration...\n\nCurrent configuration : " + itoa(len(body)) + " bytes\n" + body + "\n"
}

func (d *Device) renderStartup() string {
	switch d.plat.name {
	case PlatformEOS:
		return strings.Replace(d.renderEOS(d.startup), "! Command: show running-config", "! Command: show startup-config", 1)
	case PlatformNXOS:
		return d.renderNXOS(d.startup, "show startup-config")
	}
	body := d.renderIOSBody(d.startup)
	return "Using " + itoa(len(body)) + " out of 2097152 bytes\n" + body + "\n"
}

// renderIOSBody is an IOS-XE running-config from the first "!" to "end".
func (d *Device) renderIOSBody(cfg *config) string {
	var b strings.Builder
	w := func(lines ...string) {
		for _, l := range lines {
			b.WriteString(l)
			b.WriteByte('\n')
		}
	}
	w("!")
	if !d.lastChange.IsZero() {
		w("! Last configuration change at " + d.lastChange.UTC().Format(iosTime) + " by " + d.lastChangeBy)
	}
	if !d.lastSave.IsZero() {
		w("! NVRAM config last updated at " + d.lastSave.UTC().Format(iosTime) + " by " + d.lastSaveBy)
	}
	if !d.lastChange.IsZero() || !d.lastSave.IsZero() {
		w("!")
	}
	w("version 17.9",
		"service timestamps debug datetime msec",
		"service timestamps log datetime msec",
		"service call-home",
		"platform punt-keepalive disable-kernel-core",
		"!",
		"hostname "+cfg.hostname,
		"!",
		"!",
		"vrf definition Mgmt-vrf",
		" !",
		" address-family ipv4",
		" exit-address-family",
		" !",
		" address-family ipv6",
		" exit-address-family",
		"!",
		"no aaa new-model",
		"switch 1 provision c9300-48p",
		"!",
		"!",
		"!",
		"!",
		"ip routing",
		"!",
		"no ip domain lookup",
		"!",
		"!",
		"!",
		"login on-success log",
		"vtp mode transparent",
		"!",
		"!",
		"!",
		"!",
		"license boot level network-advantage addon dna-advantage",
		"!",
		"!",
		"diagnostic bootup level minimal",
		"!",
		"spanning-tree mode rapid-pvst",
		"spanning-tree extend system-id",
		"memory free low-watermark processor 131072",
		"!")
	if cfg.fileQuiet {
		w("file prompt quiet", "!")
	}
	w(
		"username "+d.spec.Username+" privilege 15 secret 9 "+d.secretHash("$9$"),
		"!",
		"redundancy",
		" mode sso",
		"!",
		"!",
		"!",
		"!",
		"!",
		"transceiver type all",
		" monitoring",
		"!")
	for _, blk := range d.vlanBlocks(cfg) {
		w(blk...)
		w("!")
	}
	w("!", "!")
	for _, i := range cfg.sortedIfaces() {
		w("interface " + i.name.String())
		for _, l := range d.ifLines(i) {
			w(" " + l)
		}
		w("!")
	}
	w("ip forward-protocol nd", "no ip http server", "no ip http secure-server")
	for _, r := range cfg.routes {
		w(r.render(d.plat))
	}
	w("ip ssh version 2", "!", "!")
	for _, a := range cfg.sortedACLs() {
		kind := "extended"
		if a.standard {
			kind = "standard"
		}
		w("ip access-list " + kind + " " + a.name)
		for _, e := range a.entries {
			w(" " + itoa(e.seq) + " " + d.aceText(e, a.standard))
		}
	}
	w("!", "!", "!",
		"control-plane",
		" service-policy input system-cpp-policy",
		"!",
		"!",
		"line con 0",
		" stopbits 1",
		"line aux 0",
		"line vty 0 4",
		" login local",
		" transport input ssh",
		"line vty 5 15",
		" login local",
		" transport input ssh",
		"!",
		"!",
		"!",
		"!",
		"!",
		"!",
		"end")
	return b.String()
}

// aceText prints an entry; IOS aligns deny with permit.
func (d *Device) aceText(e ace, standard bool) string {
	t := e.render(d.plat, standard)
	if d.plat.name == PlatformIOSXE && strings.HasPrefix(t, "deny ") {
		t = "deny  " + t[4:]
	}
	return t
}

func (d *Device) renderEOS(cfg *config) string {
	var b strings.Builder
	w := func(lines ...string) {
		for _, l := range lines {
			b.WriteString(l)
			b.WriteByte('\n')
		}
	}
	model, ver := d.model(), d.osVersion()
	w("! Command: show running-config",
		"! device: "+cfg.hostname+" ("+model+", EOS-"+ver+")",
		"!",
		"! boot system flash:/vEOS-lab.swi",
		"!",
		"no aaa root",
		"!",
		"username "+d.spec.Username+" privilege 15 role network-admin secret sha512 "+d.secretHash("$6$"),
		"!",
		"transceiver qsfp default-mode 4x10G",
		"!",
		"service routing protocols model multi-agent",
		"!",
		"hostname "+cfg.hostname,
		"!",
		"spanning-tree mode mstp",
		"!",
		"system l1",
		"   unsupported speed action error",
		"   unsupported error-correction action error",
		"!")
	for _, blk := range d.vlanBlocks(cfg) {
		w(blk[0])
		for _, l := range blk[1:] {
			w("  " + l)
		}
		w("!")
	}
	for _, i := range cfg.sortedIfaces() {
		w("interface " + i.name.String())
		for _, l := range d.ifLines(i) {
			w("   " + l)
		}
		w("!")
	}
	for _, a := range cfg.sortedACLs() {
		if a.standard {
			w("ip access-list standard " + a.name)
		} else {
			w("ip access-list " + a.name)
		}
		for _, e := range a.entries {
			w("   " + itoa(e.seq) + " " + d.aceText(e, a.standard))
		}
		w("!")
	}
	w("ip routing", "!")
	if len(cfg.routes) > 0 {
		for _, r := range cfg.routes {
			w(r.render(d.plat))
		}
		w("!")
	}
	w("management api http-commands", "   no shutdown", "!", "end")
	return b.String()
}

func (d *Device) renderNXOS(cfg *config, cmd string) string {
	var b strings.Builder
	w := func(lines ...string) {
		for _, l := range lines {
			b.WriteString(l)
			b.WriteByte('\n')
		}
	}
	now := time.Now().UTC()
	w("", "!Command: "+cmd)
	if cmd == "show running-config" {
		last := d.started
		if !d.lastChange.IsZero() {
			last = d.lastChange
		}
		w("!Running configuration last done at: " + last.UTC().Format(time.ANSIC))
	} else {
		w("!Startup config saved at: " + d.lastSave.UTC().Format(time.ANSIC))
	}
	w("!Time: "+now.Format(time.ANSIC), "")
	w("version "+d.osVersion()+" Bios:version  ",
		"hostname "+cfg.hostname,
		"vdc "+cfg.hostname+" id 1",
		"  limit-resource vlan minimum 16 maximum 4094",
		"  limit-resource vrf minimum 2 maximum 4096",
		"  limit-resource port-channel minimum 0 maximum 511",
		"  limit-resource m4route-mem minimum 58 maximum 58",
		"  limit-resource m6route-mem minimum 8 maximum 8",
		"",
		"feature interface-vlan",
		"",
		// The lab's leaf was set up with the setup wizard's layer-2
		// default, which is why its ports are switchports; NX-OS prints
		// the setting because it differs from the built-in routed default.
		"system default switchport",
		"no password strength-check",
		"username "+d.spec.Username+" password 5 "+d.secretHash("$5$")+"  role network-admin",
		"ip domain-lookup",
		"copp profile strict",
		"rmon event 1 description FATAL(1) owner PMON@FATAL",
		"rmon event 2 description CRITICAL(2) owner PMON@CRITICAL",
		"rmon event 3 description ERROR(3) owner PMON@ERROR",
		"rmon event 4 description WARNING(4) owner PMON@WARNING",
		"rmon event 5 description INFORMATION(5) owner PMON@INFO",
		"")
	for _, a := range cfg.sortedACLs() {
		w("ip access-list " + a.name)
		for _, e := range a.entries {
			w("  " + itoa(e.seq) + " " + d.aceText(e, a.standard))
		}
	}
	for _, r := range cfg.routes {
		if r.vrf == "" {
			w(r.render(d.plat))
		}
	}
	var ids vlanSet
	for id := range cfg.vlans {
		ids.add(id)
	}
	w("vlan " + ids.String())
	for _, v := range cfg.sortedVLANs() {
		if v.name != "" || v.suspended {
			w("vlan " + itoa(v.id))
			if v.name != "" {
				w("  name " + v.name)
			}
			if v.suspended {
				w("  state suspend")
			}
		}
	}
	w("")
	vrfs := []string{"management"}
	for v := range cfg.vrfs {
		if v != "management" {
			vrfs = append(vrfs, v)
		}
	}
	for _, r := range cfg.routes {
		if r.vrf != "" && !cfg.vrfs[r.vrf] && r.vrf != "management" {
			vrfs = append(vrfs, r.vrf)
		}
	}
	sort.Strings(vrfs[1:])
	for _, v := range vrfs {
		w("vrf context " + v)
		for _, r := range cfg.routes {
			if r.vrf == v {
				w("  " + r.render(d.plat))
			}
		}
	}
	w("")
	for _, i := range cfg.sortedIfaces() {
		w("", "interface "+i.name.String())
		for _, l := range d.ifLines(i) {
			w("  " + l)
		}
	}
	w("line console", "line vty", "boot nxos bootflash:/nxos64-cs."+strings.NewReplacer("(", ".", ")", ".").Replace(d.osVersion())+"M.bin ", "")
	return b.String()
}

// vlanBlocks returns the VLAN blocks of an IOS-XE or EOS running-config.
// VLANs with only default settings are listed together (vlan 2-4,10);
// a named or suspended VLAN gets a block of its own. VLAN 1 appears only
// if renamed (EOS).
func (d *Device) vlanBlocks(cfg *config) [][]string {
	var out [][]string
	var plain vlanSet
	flush := func() {
		if !plain.empty() {
			out = append(out, []string{"vlan " + plain.String()})
			plain = vlanSet{}
		}
	}
	for _, v := range cfg.sortedVLANs() {
		if v.name == "" && !v.suspended {
			if v.id != 1 {
				plain.add(v.id)
			}
			continue
		}
		flush()
		blk := []string{"vlan " + itoa(v.id)}
		if v.name != "" {
			blk = append(blk, " name "+v.name)
		}
		if v.suspended {
			blk = append(blk, " state suspend")
		}
		out = append(out, blk)
	}
	flush()
	return out
}

// ifLines are the lines inside an interface block, without indentation,
// in the platform's order.
func (d *Device) ifLines(i *iface) []string {
	var l []string
	add := func(s ...string) { l = append(l, s...) }
	sw := isSwitchable(i)
	l2 := func() {
		if i.access > 1 {
			add("switchport access vlan " + itoa(i.access))
		}
		if i.native > 1 {
			add("switchport trunk native vlan " + itoa(i.native))
		}
		add(d.allowedLines(i)...)
	}
	switch d.plat.name {
	case PlatformEOS:
		if i.desc != "" {
			add("description " + i.desc)
		}
		if i.shutdown {
			add("shutdown")
		}
		if i.mtu != 0 {
			add("mtu " + itoa(i.mtu))
		}
		if sw {
			l2()
			if i.mode == "trunk" {
				add("switchport mode trunk")
			}
			if i.routed {
				add("no switchport")
			}
		}
		if i.addr.IsValid() {
			add("ip address " + i.addr.String())
		}
	case PlatformNXOS:
		if i.desc != "" {
			add("description " + i.desc)
		}
		if sw {
			if i.mode == "trunk" {
				add("switchport mode trunk")
			}
			l2()
			if i.routed {
				add("no switchport")
			}
		}
		if i.mtu != 0 {
			add("mtu " + itoa(i.mtu))
		}
		if i.vrf != "" {
			add("vrf member " + i.vrf)
		}
		if i.addr.IsValid() {
			add("ip address " + i.addr.String())
		}
		// Routed ports and SVIs are shut by default on NX-OS, switch ports
		// and loopbacks are not.
		shutDefault := i.name.typ.kind == ifVlan || i.routed && i.name.typ.kind == ifPhysical
		switch {
		case i.shutdown && !shutDefault:
			add("shutdown")
		case !i.shutdown && shutDefault:
			add("no shutdown")
		}
	default:
		if i.desc != "" {
			add("description " + i.desc)
		}
		if i.vrf != "" {
			add("vrf forwarding " + i.vrf)
		}
		if sw {
			if i.routed {
				add("no switchport")
			} else {
				l2()
				if i.mode != "" {
					add("switchport mode " + i.mode)
				}
			}
		}
		if i.mtu != 0 {
			add("mtu " + itoa(i.mtu))
		}
		if i.routed {
			if i.addr.IsValid() {
				add("ip address " + i.addr.Addr().String() + " " + uintAddr(prefixMask(i.addr.Bits())).String())
			} else {
				add("no ip address")
			}
		}
		if i.shutdown {
			add("shutdown")
		}
		if i.vrf != "" {
			add("negotiation auto")
		}
	}
	return l
}

// allowedLines prints a trunk's allowed VLANs. IOS-XE and NX-OS split a
// long list over several lines, continuing with `... allowed vlan add`.
func (d *Device) allowedLines(i *iface) []string {
	switch {
	case i.allowed.isAll():
		return nil
	case i.allowed.empty():
		return []string{"switchport trunk allowed vlan none"}
	}
	items := i.allowed.items()
	if d.plat.name == PlatformEOS {
		return []string{"switchport trunk allowed vlan " + strings.Join(items, ",")}
	}
	const width = 50
	var out []string
	var cur []string
	n := 0
	emit := func() {
		prefix := "switchport trunk allowed vlan "
		if len(out) > 0 {
			prefix += "add "
		}
		out = append(out, prefix+strings.Join(cur, ","))
		cur, n = nil, 0
	}
	for _, it := range items {
		if n > 0 && n+1+len(it) > width {
			emit()
		}
		if n > 0 {
			n++
		}
		cur = append(cur, it)
		n += len(it)
	}
	emit()
	return out
}

func (d *Device) renderRunningIf(i *iface) string {
	var b strings.Builder
	b.WriteString("interface " + i.name.String() + "\n")
	for _, l := range d.ifLines(i) {
		b.WriteString(d.plat.indent + l + "\n")
	}
	switch d.plat.name {
	case PlatformIOSXE:
		body := "!\n" + b.String() + "end\n"
		return "Building configuration...\n\nCurrent configuration : " + itoa(len(body)) + " bytes\n" + body + "\n"
	case PlatformNXOS:
		return "\n!Command: show running-config interface " + i.name.String() + "\n!Time: " + time.Now().UTC().Format(time.ANSIC) + "\n\nversion " + d.osVersion() + " Bios:version  \n\n" + b.String()
	}
	return b.String()
}

func (d *Device) model() string {
	if d.spec.Model != "" {
		return d.spec.Model
	}
	switch d.plat.name {
	case PlatformEOS:
		return "vEOS-lab"
	case PlatformNXOS:
		return "N9K-C93180YC-EX"
	}
	return "C9300-48P"
}

func (d *Device) osVersion() string {
	switch d.plat.name {
	case PlatformEOS:
		return "4.31.2F"
	case PlatformNXOS:
		return "10.3(4a)"
	}
	return "17.09.04a"
}

// uptime prints how long the device has run, in IOS's words.
func (d *Device) uptime() (weeks, days, hours, minutes int) {
	up := time.Since(d.started)
	minutes = int(up.Minutes()) % 60
	hours = int(up.Hours()) % 24
	days = int(up.Hours()/24) % 7
	weeks = int(up.Hours() / 24 / 7)
	return
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return itoa(n) + " " + word + "s"
}

func (d *Device) showVersion() string {
	weeks, days, hours, minutes := d.uptime()
	host := d.hostname()
	switch d.plat.name {
	case PlatformEOS:
		if strings.HasPrefix(d.model(), "vEOS") {
			return strings.Join([]string{
				"Arista " + d.model(),
				"Hardware version: ",
				"Serial number: " + d.serial,
				"Hardware MAC address: " + d.macDotted(),
				"System MAC address: " + d.macDotted(),
				"",
				"Software image version: " + d.osVersion(),
				"Architecture: x86_64",
				"Internal build version: " + d.osVersion() + "-35442176.4312F",
				"Internal build ID: 8ee5f9a4-3c3b-4a57-9a24-b5a3c2a9f0d1",
				"Image format version: 1.0",
				"Image optimization: None",
				"",
				"Kernel version: 5.10.209",
				"",
				fmt.Sprintf("Uptime: %s, %s, %s and %s", plural(weeks, "week"), plural(days, "day"), plural(hours, "hour"), plural(minutes, "minute")),
				"Total memory: 3977004 kB",
				"Free memory: 2710752 kB",
				"",
			}, "\n")
		}
		return strings.Join([]string{
			"Arista " + d.model(),
			"Hardware version: 11.02",
			"Serial number: " + d.serial,
			"Hardware MAC address: " + d.macDotted(),
			"System MAC address: " + d.macDotted(),
			"",
			"Software image version: " + d.osVersion(),
			"Architecture: x86_64",
			"Internal build version: " + d.osVersion() + "-35442176.4312F",
			"Internal build ID: 8ee5f9a4-3c3b-4a57-9a24-b5a3c2a9f0d1",
			"Image format version: 3.0",
			"Image optimization: Strata-4GB",
			"",
			fmt.Sprintf("Uptime: %s, %s, %s and %s", plural(weeks, "week"), plural(days, "day"), plural(hours, "hour"), plural(minutes, "minute")),
			"Total memory: 8099732 kB",
			"Free memory: 5941420 kB",
			"",
		}, "\n")
	case PlatformNXOS:
		return strings.Join([]string{
			"Cisco Nexus Operating System (NX-OS) Software",
			"TAC support: http://www.cisco.com/tac",
			"Documents: http://www.cisco.com/en/US/products/ps9372/tsd_products_support_series_home.html",
			"Copyright (c) 2002-2023, Cisco Systems, Inc. All rights reserved.",
			"The copyrights to certain works contained herein are owned by",
			"other third parties and are used and distributed under license.",
			"Some parts of this software are covered under the GNU Public",
			"License. A copy of the license is available at",
			"http://www.gnu.org/licenses/gpl.html.",
			"",
			"Software",
			"  BIOS: version 07.69",
			"  NXOS: version " + d.osVersion() + " [Maintenance Release]",
			"  BIOS compile time:  04/08/2021",
			"  NXOS image file is: bootflash:///nxos64-cs.10.3.4a.M.bin",
			"  NXOS compile time:  11/1/2023 12:00:00 [11/01/2023 22:49:53]",
			"",
			"",
			"Hardware",
			"  cisco Nexus9000 C93180YC-EX chassis ",
			"  Intel(R) Xeon(R) CPU  @ 1.80GHz with 24569356 kB of memory.",
			"  Processor Board ID " + d.serial,
			"",
			"  Device name: " + host,
			"  bootflash:   53298520 kB",
			"",
			fmt.Sprintf("Kernel uptime is %d day(s), %d hour(s), %d minute(s), %d second(s)", weeks*7+days, hours, minutes, int(time.Since(d.started).Seconds())%60),
			"",
			"Last reset at 0 usecs after " + d.started.UTC().Format(time.ANSIC),
			"  Reason: Reset Requested by CLI command reload",
			"  System version: " + d.osVersion(),
			"  Service: ",
			"",
			"plugin",
			"  Core Plugin, Ethernet Plugin",
			"",
			"Active Package(s):",
			"",
		}, "\n")
	}
	up := []string{}
	if weeks > 0 {
		up = append(up, plural(weeks, "week"))
	}
	if weeks > 0 || days > 0 {
		up = append(up, plural(days, "day"))
	}
	up = append(up, plural(hours, "hour"), plural(minutes, "minute"))
	uptime := strings.Join(up, ", ")
	return strings.Join([]string{
		"Cisco IOS XE Software, Version " + d.osVersion(),
		"Cisco IOS Software [Cupertino], Catalyst L3 Switch Software (CAT9K_IOSXE), Version 17.9.4a, RELEASE SOFTWARE (fc3)",
		"Technical Support: http://www.cisco.com/techsupport",
		"Copyright (c) 1986-2023 by Cisco Systems, Inc.",
		"Compiled Fri 20-Oct-23 10:44 by mcpre",
		"",
		"",
		"Cisco IOS-XE software, Copyright (c) 2005-2023 by cisco Systems, Inc.",
		"All rights reserved.  Certain components of Cisco IOS-XE software are",
		"licensed under the GNU General Public License (\"GPL\") Version 2.0.  The",
		"software code licensed under GPL Version 2.0 is free software that comes",
		"with ABSOLUTELY NO WARRANTY.  You can redistribute and/or modify such",
		"GPL code under the terms of GPL Version 2.0.  For more details, see the",
		"documentation or \"License Notice\" file accompanying the IOS-XE software,",
		"or the applicable URL provided on the flyer accompanying the IOS-XE",
		"software.",
		"",
		"",
		"ROM: IOS-XE ROMMON",
		"BOOTLDR: System Bootstrap, Version 17.9.1r[FC2], RELEASE SOFTWARE (P)",
		"",
		host + " uptime is " + uptime,
		"Uptime for this control processor is " + uptime,
		"System returned to ROM by Reload Command",
		"System image file is \"flash:packages.conf\"",
		"Last reload reason: Reload Command",
		"",
		"",
		"",
		"This product contains cryptographic features and is subject to United",
		"States and local country laws governing import, export, transfer and",
		"use. Delivery of Cisco cryptographic products does not imply",
		"third-party authority to import, export, distribute or use encryption.",
		"Importers, exporters, distributors and users are responsible for",
		"compliance with U.S. and local country laws. By using this product you",
		"agree to comply with applicable laws and regulations. If you are unable",
		"to comply with U.S. and local laws, return this product immediately.",
		"",
		"A summary of U.S. laws governing Cisco cryptographic products may be found at:",
		"http://www.cisco.com/wwl/export/crypto/tool/stqrg.html",
		"",
		"If you require further assistance please contact us by sending email to",
		"export@cisco.com.",
		"",
		"",
		"Technology Package License Information: ",
		"",
		"------------------------------------------------------------------------------",
		"Technology-package                                     Technology-package",
		"Current                        Type                       Next reboot  ",
		"------------------------------------------------------------------------------",
		"network-advantage      \tSmart License                 \tnetwork-advantage       ",
		"dna-advantage          \tSubscription Smart License    \tdna-advantage                 ",
		"AIR License Level: AIR DNA Advantage",
		"Next reload AIR license Level: AIR DNA Advantage",
		"",
		"",
		"Smart Licensing Status: Registration Not Applicable/Not Applicable",
		"",
		"cisco " + d.model() + " (X86) processor with 1338934K/6147K bytes of memory.",
		"Processor board ID " + d.serial,
		"2 Virtual Ethernet interfaces",
		"49 Gigabit Ethernet interfaces",
		"2048K bytes of non-volatile configuration memory.",
		"8388608K bytes of physical memory.",
		"1638400K bytes of Crash Files at crashinfo:.",
		"11264000K bytes of Flash at flash:.",
		"0K bytes of WebUI ODM Files at webui:.",
		"",
		"Base Ethernet MAC Address          : " + d.macColons(),
		"Motherboard Assembly Number        : 73-17955-06",
		"Motherboard Serial Number          : " + d.serial,
		"Model Revision Number              : B0",
		"Motherboard Revision Number        : A0",
		"Model Number                       : " + d.model(),
		"System Serial Number               : " + d.serial,
		"CLEI Code Number                   : ",
		"",
		"",
		"Switch Ports Model              SW Version        SW Image              Mode   ",
		"------ ----- -----              ----------        ----------            ----   ",
		fmt.Sprintf("*    1 49    %-18s %-17s CAT9K_IOSXE           INSTALL", d.model(), d.osVersion()),
		"",
		"",
		"Configuration register is 0x102",
		"",
	}, "\n")
}

func (d *Device) showClock() string {
	now := time.Now().UTC()
	switch d.plat.name {
	case PlatformEOS:
		return now.Format("Mon Jan _2 15:04:05 2006") + "\nTimezone: UTC\nClock source: local"
	case PlatformNXOS:
		return now.Format("15:04:05.000 MST Mon Jan 02 2006") + "\nTime source is NTP"
	}
	return "*" + now.Format("15:04:05.000 MST Mon Jan 2 2006")
}

func (d *Device) showHostname() string { return d.hostname() }

// vlanPorts lists the ports shown in a VLAN's row of show vlan: access
// ports on IOS-XE and NX-OS, also trunks carrying the VLAN on EOS (which
// lists only ports that are up).
func (d *Device) vlanPorts(cfg *config, id int) []string {
	var ports []string
	if d.plat.name == PlatformEOS {
		if _, ok := cfg.ifaces["Vlan"+itoa(id)]; ok {
			ports = append(ports, "Cpu")
		}
	}
	for _, i := range cfg.sortedIfaces() {
		if !isSwitchable(i) || i.routed {
			continue
		}
		switch d.plat.name {
		case PlatformEOS:
			if i.shutdown {
				continue
			}
			if i.isTrunk() && i.allowed.has(id) && cfg.vlans[id] != nil || !i.isTrunk() && i.accessVLAN() == id {
				ports = append(ports, i.name.short())
			}
		default:
			if !i.isTrunk() && i.accessVLAN() == id {
				ports = append(ports, i.name.short())
			}
		}
	}
	return ports
}

// wrapPorts lays a port list out in the Ports column: lines no longer than
// width, continued under the column.
func wrapPorts(ports []string, width, indent int) []string {
	var lines []string
	cur := ""
	for _, p := range ports {
		switch {
		case cur == "":
			cur = p
		case len(cur)+2+len(p) > width:
			lines = append(lines, cur)
			cur = p
		default:
			cur += ", " + p
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	for k := 1; k < len(lines); k++ {
		lines[k] = strings.Repeat(" ", indent) + lines[k]
	}
	return lines
}

func (d *Device) showVLAN(cfg *config, brief bool) string {
	var b strings.Builder
	w := func(s string) { b.WriteString(strings.TrimRight(s, " ") + "\n") }
	status := func(v *vlan) string {
		if v.suspended {
			return "suspended"
		}
		return "active"
	}
	name := func(v *vlan) string {
		if v.name != "" {
			return v.name
		}
		return defaultVLANName(v.id)
	}
	switch d.plat.name {
	case PlatformEOS:
		w("VLAN  Name                             Status    Ports")
		w("----- -------------------------------- --------- -------------------------------")
		for _, v := range cfg.sortedVLANs() {
			ports := wrapPorts(d.vlanPorts(cfg, v.id), 31, 49)
			first := ""
			if len(ports) > 0 {
				first = ports[0]
			}
			w(fmt.Sprintf("%-5d %-32s %-9s %s", v.id, name(v), status(v), first))
			for _, l := range ports[min(1, len(ports)):] {
				w(l)
			}
		}
		return b.String()
	case PlatformNXOS:
		w("")
	}
	w("VLAN Name                             Status    Ports")
	w("---- -------------------------------- --------- -------------------------------")
	width := 64
	if d.plat.name == PlatformNXOS {
		width = 32
	}
	for _, v := range cfg.sortedVLANs() {
		ports := wrapPorts(d.vlanPorts(cfg, v.id), width, 48)
		first := ""
		if len(ports) > 0 {
			first = ports[0]
		}
		b.WriteString(fmt.Sprintf("%-4d %-32s %-9s %s\n", v.id, name(v), status(v), first))
		for _, l := range ports[min(1, len(ports)):] {
			w(l)
		}
	}
	if d.plat.name == PlatformIOSXE {
		for _, r := range []struct {
			id   int
			name string
		}{{1002, "fddi-default"}, {1003, "token-ring-default"}, {1004, "fddinet-default"}, {1005, "trnet-default"}} {
			b.WriteString(fmt.Sprintf("%-4d %-32s %-9s \n", r.id, r.name, "act/unsup"))
		}
	}
	if brief {
		return b.String()
	}
	w("")
	if d.plat.name == PlatformNXOS {
		w("VLAN Type         Vlan-mode")
		w("---- -----        ----------")
		for _, v := range cfg.sortedVLANs() {
			w(fmt.Sprintf("%-4d enet         CE", v.id))
		}
		w("")
		w("Remote SPAN VLANs")
		w("-------------------------------------------------------------------------------")
		w("")
		w("Primary  Secondary  Type             Ports")
		w("-------  ---------  ---------------  -------------------------------------------")
		w("")
		return b.String()
	}
	w("VLAN Type  SAID       MTU   Parent RingNo BridgeNo Stp  BrdgMode Trans1 Trans2")
	w("---- ----- ---------- ----- ------ ------ -------- ---- -------- ------ ------")
	for _, v := range cfg.sortedVLANs() {
		b.WriteString(fmt.Sprintf("%-4d enet  %-10d 1500  -      -      -        -    -        0      0   \n", v.id, 100000+v.id))
	}
	b.WriteString("1002 fddi  101002     1500  -      -      -        -    -        0      0   \n")
	b.WriteString("1003 tr    101003     1500  -      -      -        -    srb      0      0   \n")
	b.WriteString("1004 fdnet 101004     1500  -      -      -        ieee -        0      0   \n")
	b.WriteString("1005 trnet 101005     1500  -      -      -        ibm  -        0      0   \n")
	w("")
	w("Remote SPAN VLANs")
	w("------------------------------------------------------------------------------")
	w("")
	w("")
	w("Primary Secondary Type              Ports")
	w("------- --------- ----------------- ------------------------------------------")
	return b.String()
}

// statusVLAN is the Vlan column of show interfaces status.
func statusVLAN(i *iface) string {
	switch {
	case i.routed:
		return "routed"
	case i.isTrunk():
		return "trunk"
	}
	return itoa(i.accessVLAN())
}

func (d *Device) showInterfacesStatus() string {
	var b strings.Builder
	cfg := d.running
	var ports []*iface
	for _, i := range cfg.sortedIfaces() {
		if isSwitchable(i) {
			ports = append(ports, i)
		}
	}
	switch d.plat.name {
	case PlatformEOS:
		nameW := 6
		for _, i := range ports {
			if len(i.desc)+1 > nameW {
				nameW = len(i.desc) + 1
			}
		}
		b.WriteString(fmt.Sprintf("%-10s %-*s %-12s %-8s %-6s %-6s %-15s %-5s %s\n", "Port", nameW, "Name", "Status", "Vlan", "Duplex", "Speed", "Type", "Flags", "Encapsulation"))
		for _, i := range ports {
			st := "connected"
			if i.shutdown {
				st = "disabled"
			}
			b.WriteString(fmt.Sprintf("%-10s %-*s %-12s %-8s %-6s %-6s %-15s %-5s %-12s\n", i.name.short(), nameW, i.desc, st, statusVLAN(i), "full", "1G", "EbraTestPhyPort", "", ""))
		}
	case PlatformNXOS:
		b.WriteString("\n" + strings.Repeat("-", 80) + "\n")
		b.WriteString(fmt.Sprintf("%-13s %-18s %-9s %-10s %-6s %-7s %s\n", "Port", "Name", "Status", "Vlan", "Duplex", "Speed", "Type"))
		b.WriteString(strings.Repeat("-", 80) + "\n")
		b.WriteString(fmt.Sprintf("%-13s %-18s %-9s %-10s %-6s %-7s %s\n", "mgmt0", "--", "connected", "routed", "full", "1000", "--"))
		for _, i := range ports {
			st := "notconnec"
			if i.shutdown {
				st = "disabled"
			}
			vl := statusVLAN(i)
			if vl == "routed" {
				vl = "routed"
			}
			desc := i.desc
			if desc == "" {
				desc = "--"
			}
			b.WriteString(fmt.Sprintf("%-13s %-18.18s %-9s %-10s %-6s %-7s %s\n", i.name.short(), desc, st, vl, "auto", "auto", "10g"))
		}
	default:
		b.WriteString("\nPort         Name               Status       Vlan       Duplex  Speed Type \n")
		for _, i := range ports {
			st := "notconnect"
			if i.shutdown {
				st = "disabled"
			}
			b.WriteString(fmt.Sprintf("%-12s %-18.18s %-12s %-10s %6s %6s %s\n", i.name.short(), i.desc, st, statusVLAN(i), "auto", "auto", "10/100/1000BaseTX"))
		}
	}
	return b.String()
}

func (d *Device) showIPInterfaceBrief() string {
	var b strings.Builder
	cfg := d.running
	switch d.plat.name {
	case PlatformEOS:
		b.WriteString("                                                                           Address\n")
		b.WriteString("Interface         IP Address            Status       Protocol            MTU    Owner  \n")
		b.WriteString("----------------- --------------------- ------------ -------------- ----------- -------\n")
		for _, i := range cfg.sortedIfaces() {
			if !i.routed {
				continue
			}
			addr := "unassigned"
			if i.addr.IsValid() {
				addr = i.addr.String()
			}
			st, proto := "up", "up"
			if i.shutdown {
				st, proto = "disabled", "down"
			}
			mtu := i.mtu
			if mtu == 0 {
				mtu = 1500
			}
			b.WriteString(fmt.Sprintf("%-17s %-21s %-12s %-14s %11d        \n", i.name.String(), addr, st, proto, mtu))
		}
	case PlatformNXOS:
		b.WriteString("IP Interface Status for VRF \"default\"(1)\n")
		b.WriteString("Interface            IP Address      Interface Status\n")
		for _, i := range cfg.sortedIfaces() {
			if !i.routed || !i.addr.IsValid() || i.vrf != "" {
				continue
			}
			st := "protocol-up/link-up/admin-up"
			if i.shutdown {
				st = "protocol-down/link-down/admin-down"
			}
			b.WriteString(fmt.Sprintf("%-20s %-15s %s\n", i.name.String(), i.addr.Addr(), st))
		}
	default:
		b.WriteString("Interface              IP-Address      OK? Method Status                Protocol\n")
		for _, i := range cfg.sortedIfaces() {
			addr, method := "unassigned", "unset"
			if i.addr.IsValid() {
				addr, method = i.addr.Addr().String(), "manual"
			}
			st, proto := "down", "down"
			switch {
			case i.shutdown:
				st = "administratively down"
			case i.name.typ.kind == ifLoopback:
				st, proto = "up", "up"
			}
			b.WriteString(fmt.Sprintf("%-22s %-15s YES %-6s %-21s %s\n", i.name.String(), addr, method, st, proto))
		}
	}
	return b.String()
}
