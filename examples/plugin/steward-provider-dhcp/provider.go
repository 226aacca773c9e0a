package main

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"regexp"
	"sync"

	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/providers"
	"github.com/stewardhq/steward/schema"
)

// provider manages dhcp_reservation objects in one file.
type provider struct {
	mu   sync.Mutex // apply reads, changes and writes the file as one step
	file string
}

var _ providers.Provider = (*provider)(nil)

func newProvider() *provider { return &provider{} }

var hostName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

var reservationSchema = &schema.Resource{Block: schema.Block{
	Description: "A fixed IPv4 address that dhcpd hands to one network card.",
	Attributes: map[string]*schema.Attribute{
		"name": {Type: cty.String, Required: true, ForceNew: true,
			Description: "The host declaration's name.",
			Validate: func(v cty.Value) error {
				if !hostName.MatchString(v.AsString()) {
					return fmt.Errorf("%q is not a host name dhcpd accepts (letters, digits, dots, dashes and underscores)", v.AsString())
				}
				return nil
			}},
		"mac": {Type: cty.String, Required: true,
			Description: "The network card's Ethernet address, like 00:11:22:33:44:55.",
			Validate: func(v cty.Value) error {
				if hw, err := net.ParseMAC(v.AsString()); err != nil || len(hw) != 6 {
					return fmt.Errorf("%q is not an Ethernet address like 00:11:22:33:44:55", v.AsString())
				}
				return nil
			}},
		"ip": {Type: cty.String, Required: true,
			Description: "The IPv4 address reserved for it.",
			Validate: func(v cty.Value) error {
				if a, err := netip.ParseAddr(v.AsString()); err != nil || !a.Is4() {
					return fmt.Errorf("%q is not an IPv4 address", v.AsString())
				}
				return nil
			}},
	},
}}

func (p *provider) Schema() *schema.Provider {
	return &schema.Provider{
		Config: &schema.Block{Attributes: map[string]*schema.Attribute{
			"file": {Type: cty.String, Required: true, Description: "The dhcpd file holding the host declarations; relative to the working directory."},
		}},
		Resources:   map[string]*schema.Resource{"dhcp_reservation": reservationSchema},
		DataSources: map[string]*schema.Resource{},
	}
}

func (p *provider) Configure(_ context.Context, req providers.ConfigureRequest) providers.Diagnostics {
	f := req.Config.GetAttr("file")
	if f.IsNull() || !f.IsKnown() || f.AsString() == "" {
		return providers.Diagnostics{providers.Errorf(cty.GetAttrPath("file"), "Missing file", "the dhcp provider needs the file to manage")}
	}
	p.file = f.AsString()
	return nil
}

func toValue(h host) cty.Value {
	return cty.ObjectVal(map[string]cty.Value{"name": cty.StringVal(h.Name), "mac": cty.StringVal(h.MAC), "ip": cty.StringVal(h.IP)})
}

func fromValue(v cty.Value) host {
	return host{Name: v.GetAttr("name").AsString(), MAC: v.GetAttr("mac").AsString(), IP: v.GetAttr("ip").AsString()}
}

func (p *provider) Discover(_ context.Context, req providers.DiscoverRequest) providers.DiscoverResponse {
	f, err := readHosts(p.file)
	if err != nil {
		return providers.DiscoverResponse{Diagnostics: providers.Diagnostics{providers.FromError("Cannot read the DHCP hosts file", err)}}
	}
	resp := providers.DiscoverResponse{Results: make([]providers.DiscoverResult, len(req.Items))}
	for i, it := range req.Items {
		resp.Results[i].Current = cty.NullVal(reservationSchema.ImpliedType())
		if h, ok := f.find(it.Prior.GetAttr("name").AsString()); ok {
			resp.Results[i].Current = toValue(h)
		}
	}
	return resp
}

// PlanChanges has nothing to add: every attribute comes from the
// configuration, and a new name means a new host declaration (ForceNew).
func (p *provider) PlanChanges(_ context.Context, req providers.PlanRequest) providers.PlanResponse {
	resp := providers.PlanResponse{Results: make([]providers.PlanResult, len(req.Items))}
	for i, it := range req.Items {
		resp.Results[i].Planned = it.Proposed
	}
	return resp
}

func (p *provider) ApplyChanges(_ context.Context, req providers.ApplyRequest) providers.ApplyResponse {
	p.mu.Lock()
	defer p.mu.Unlock()
	resp := providers.ApplyResponse{Results: make([]providers.ApplyResult, len(req.Items))}
	fail := func(err error) providers.ApplyResponse {
		for i, it := range req.Items {
			resp.Results[i] = providers.ApplyResult{New: it.Prior, Diagnostics: providers.Diagnostics{providers.FromError("Cannot update the DHCP hosts file", err)}}
		}
		return resp
	}
	f, err := readHosts(p.file)
	if err != nil {
		return fail(err)
	}
	for i, it := range req.Items {
		switch it.Action {
		case providers.Delete:
			f.remove(it.Prior.GetAttr("name").AsString())
			resp.Results[i].New = cty.NullVal(reservationSchema.ImpliedType())
		case providers.Create:
			h := fromValue(it.Planned)
			if _, exists := f.find(h.Name); exists {
				resp.Results[i] = providers.ApplyResult{New: cty.NullVal(reservationSchema.ImpliedType()), Diagnostics: providers.Diagnostics{
					providers.Errorf(cty.GetAttrPath("name"), "Host already declared", "%s already declares host %s; import it (steward import) to manage it", p.file, h.Name)}}
				continue
			}
			f.put(h)
			resp.Results[i].New = it.Planned
		default:
			f.put(fromValue(it.Planned))
			resp.Results[i].New = it.Planned
		}
	}
	// One write for the whole batch: either every change is in the file or
	// none is.
	if err := f.write(p.file); err != nil {
		return fail(err)
	}
	return resp
}

func (p *provider) ReadData(_ context.Context, req providers.ReadDataRequest) providers.ReadDataResponse {
	return providers.ReadDataResponse{Results: make([]providers.ReadDataResult, len(req.Items))}
}

func (p *provider) Import(_ context.Context, req providers.ImportRequest) providers.ImportResponse {
	resp := providers.ImportResponse{Results: make([]providers.ImportResult, len(req.Items))}
	f, err := readHosts(p.file)
	if err != nil {
		resp.Diagnostics = providers.Diagnostics{providers.FromError("Cannot read the DHCP hosts file", err)}
		return resp
	}
	for i, it := range req.Items {
		h, ok := f.find(it.ID)
		if !ok {
			resp.Results[i].Diagnostics = providers.Diagnostics{providers.Errorf(nil, "No such host", "%s declares no host %s", p.file, it.ID)}
			continue
		}
		resp.Results[i].State = toValue(h)
	}
	return resp
}

func (p *provider) List(_ context.Context, req providers.ListRequest) providers.ListResponse {
	f, err := readHosts(p.file)
	if err != nil {
		return providers.ListResponse{Diagnostics: providers.Diagnostics{providers.FromError("Cannot read the DHCP hosts file", err)}}
	}
	var resp providers.ListResponse
	for _, h := range f.hosts {
		resp.Objects = append(resp.Objects, providers.ListedObject{ID: h.Name, Name: h.Name, State: toValue(h)})
	}
	return resp
}

func (p *provider) Close() error { return nil }
