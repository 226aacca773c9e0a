package network

import (
	"context"
	"regexp"

	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/providers"
)

// versionFacts are regular expressions for the facts in `show version`,
// per platform; the first submatch is the value. Each fact has a few
// patterns because the output differs between hardware families.
var versionFacts = map[string]map[string][]*regexp.Regexp{
	"cisco_iosxe": {
		"model":      {regexp.MustCompile(`(?m)^Model [Nn]umber\s*:\s*(\S+)`), regexp.MustCompile(`(?m)^cisco (\S+) \(`)},
		"os_version": {regexp.MustCompile(`Cisco IOS XE Software, Version (\S+)`), regexp.MustCompile(`, Version ([^\s,]+)`)},
		"serial":     {regexp.MustCompile(`(?m)^System [Ss]erial [Nn]umber\s*:\s*(\S+)`), regexp.MustCompile(`Processor board ID (\S+)`)},
	},
	"arista_eos": {
		"model":      {regexp.MustCompile(`(?m)^Arista (\S+)`)},
		"os_version": {regexp.MustCompile(`(?m)^Software image version:\s*(\S+)`)},
		"serial":     {regexp.MustCompile(`(?m)^Serial number:\s*(\S+)`)},
	},
	"cisco_nxos": {
		"model":      {regexp.MustCompile(`cisco (Nexus\s?\S+ \S+)`), regexp.MustCompile(`cisco (\S+) [Cc]hassis`)},
		"os_version": {regexp.MustCompile(`NXOS: version (\S+)`), regexp.MustCompile(`system:\s+version (\S+)`)},
		"serial":     {regexp.MustCompile(`Processor [Bb]oard ID (\S+)`)},
	},
	"frr": {
		"model":      {regexp.MustCompile(`(FRRouting)`)},
		"os_version": {regexp.MustCompile(`FRRouting (\S+)`)},
	},
}

func fact(platform, name, text string) string {
	for _, re := range versionFacts[platform][name] {
		if m := re.FindStringSubmatch(text); m != nil {
			return m[1]
		}
	}
	return ""
}

// ReadData implements providers.Provider for network_device.
func (p *Provider) ReadData(ctx context.Context, req providers.ReadDataRequest) providers.ReadDataResponse {
	res := make([]providers.ReadDataResult, len(req.Items))
	for i, it := range req.Items {
		name := str(it.Config.GetAttr("device"))
		d, err := p.device(name)
		if err != nil {
			res[i].Diagnostics = providers.Diagnostics{providers.Errorf(cty.GetAttrPath("device"), "Unknown device", "%s", err)}
			continue
		}
		text, c, err := p.versionOf(ctx, d)
		if err != nil {
			res[i].Diagnostics = providers.Diagnostics{providers.FromError("Cannot read device", err)}
			continue
		}
		plat := d.platform.Name()
		res[i].State = cty.ObjectVal(map[string]cty.Value{
			"device":     cty.StringVal(name),
			"hostname":   cty.StringVal(c),
			"platform":   cty.StringVal(plat),
			"model":      cty.StringVal(fact(plat, "model", text)),
			"os_version": cty.StringVal(fact(plat, "os_version", text)),
			"serial":     cty.StringVal(fact(plat, "serial", text)),
		})
	}
	return providers.ReadDataResponse{Results: res}
}

// versionOf reads show version and the configured hostname.
func (p *Provider) versionOf(ctx context.Context, d *device) (string, string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	s, err := p.open(ctx, d)
	if err != nil {
		return "", "", err
	}
	defer func() { _ = s.Close() }()
	text, err := s.Command(ctx, "show version")
	if err != nil {
		return "", "", err
	}
	c, err := p.readConfig(ctx, s, d)
	if err != nil {
		return "", "", err
	}
	return text, c.Hostname, nil
}
