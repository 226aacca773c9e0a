package network

import (
	"fmt"
	"net/netip"

	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/schema"
)

func deviceAttr() *schema.Attribute {
	return &schema.Attribute{Type: cty.String, Required: true, ForceNew: true,
		Description: "Name of the device (a device block of the provider) this object lives on."}
}

func idAttr() *schema.Attribute {
	return &schema.Attribute{Type: cty.String, Computed: true,
		Description: "steward's identifier for the object: DEVICE:KIND:KEY. `steward import` accepts it."}
}

func validCIDR(v cty.Value) error {
	if _, err := netip.ParsePrefix(v.AsString()); err != nil {
		return fmt.Errorf("%q is not an address in CIDR form such as 10.0.0.1/24", v.AsString())
	}
	return nil
}

func providerSchema() *schema.Provider {
	return &schema.Provider{
		Config: &schema.Block{
			Description: "Network devices reached over SSH.",
			BlockTypes: map[string]*schema.NestedBlock{
				"device": {Nesting: schema.NestingMap, Block: schema.Block{
					Description: "One device, named by the block's label.",
					Attributes: map[string]*schema.Attribute{
						"host":     {Type: cty.String, Required: true, Description: "Address or name to connect to."},
						"port":     {Type: cty.Number, Optional: true, Default: cty.NumberIntVal(22), Validate: schema.IntBetween(1, 65535), Description: "SSH port."},
						"platform": {Type: cty.String, Required: true, Validate: schema.OneOf("cisco_iosxe", "arista_eos", "cisco_nxos", "frr"), Description: "The device's operating system."},
						"username": {Type: cty.String, Required: true, Description: "Login name."},
						"password": {Type: cty.String, Optional: true, Sensitive: true, Description: "Login password; take it from a sensitive variable."},
						"private_key_file": {Type: cty.String, Optional: true,
							Description: "Private key file for public key login, instead of a password."},
						"known_hosts": {Type: cty.String, Optional: true,
							Description: "known_hosts file holding the device's host key."},
						"host_key": {Type: cty.String, Optional: true,
							Description: "The device's public host key (\"ssh-ed25519 AAAA...\"), instead of a known_hosts file."},
						"insecure_skip_host_key": {Type: cty.Bool, Optional: true, Default: cty.False,
							Description: "Connect without verifying the host key. Every plan warns about it."},
						"timeout": {Type: cty.String, Optional: true, Default: cty.StringVal("30s"),
							Description: "How long one command may take, as a Go duration."},
						"save_config": {Type: cty.Bool, Optional: true, Default: cty.True,
							Description: "Save the running configuration after a successful apply."},
					},
				}},
			},
		},
		Resources: map[string]*schema.Resource{
			"network_vlan": {Block: schema.Block{
				Description: "A VLAN on a switch.",
				Attributes: map[string]*schema.Attribute{
					"device":  deviceAttr(),
					"vlan_id": {Type: cty.Number, Required: true, ForceNew: true, Validate: schema.IntBetween(1, 4094), Description: "VLAN number, 1 to 4094."},
					"name":    {Type: cty.String, Optional: true, Description: "VLAN name; unset leaves the device's default name."},
					"state":   {Type: cty.String, Optional: true, Default: cty.StringVal("active"), Validate: schema.OneOf("active", "suspend"), Description: "active or suspend."},
					"id":      idAttr(),
				},
			}},
			"network_interface": {Block: schema.Block{
				Description: "A port's configuration. Removing the resource returns the port to its default configuration.",
				Attributes: map[string]*schema.Attribute{
					"device":       deviceAttr(),
					"name":         {Type: cty.String, Required: true, ForceNew: true, Description: "Interface name; abbreviations such as Gi1/0/1 are accepted and shown in full."},
					"description":  {Type: cty.String, Optional: true, Description: "Port description."},
					"enabled":      {Type: cty.Bool, Optional: true, Default: cty.True, Description: "false shuts the port down."},
					"mode":         {Type: cty.String, Optional: true, Validate: schema.OneOf("access", "trunk", "routed"), Description: "access, trunk or routed; unset keeps the platform default."},
					"access_vlan":  {Type: cty.Number, Optional: true, Validate: schema.IntBetween(1, 4094), Description: "VLAN of an access port."},
					"trunk_vlans":  {Type: cty.Set(cty.Number), Optional: true, Description: "VLANs a trunk carries. Unset carries all VLANs; an empty set carries none."},
					"native_vlan":  {Type: cty.Number, Optional: true, Validate: schema.IntBetween(1, 4094), Description: "Untagged VLAN of a trunk."},
					"ipv4_address": {Type: cty.String, Optional: true, Validate: validCIDR, Description: "Address of a routed port in CIDR form, 10.0.0.1/24."},
					"mtu":          {Type: cty.Number, Optional: true, Validate: schema.IntBetween(576, 9216), Description: "MTU in bytes; unset keeps the default."},
					"id":           idAttr(),
				},
			}},
			"network_static_route": {Block: schema.Block{
				Description: "A static route.",
				Attributes: map[string]*schema.Attribute{
					"device":   deviceAttr(),
					"prefix":   {Type: cty.String, Required: true, ForceNew: true, Validate: validCIDR, Description: "Destination in CIDR form."},
					"next_hop": {Type: cty.String, Required: true, ForceNew: true, Description: "Next-hop address or outgoing interface."},
					"distance": {Type: cty.Number, Optional: true, Validate: schema.IntBetween(1, 255), Description: "Administrative distance; unset is the default (1)."},
					"vrf":      {Type: cty.String, Optional: true, ForceNew: true, Description: "VRF; unset is the default VRF."},
					"name":     {Type: cty.String, Optional: true, Description: "Route name, where the platform supports it."},
					"id":       idAttr(),
				},
			}},
			"network_acl": {Block: schema.Block{
				Description: "A named IPv4 access list; its entries are managed as a whole, in order.",
				Attributes: map[string]*schema.Attribute{
					"device": deviceAttr(),
					"name":   {Type: cty.String, Required: true, ForceNew: true, Description: "Access list name."},
					"id":     idAttr(),
				},
				BlockTypes: map[string]*schema.NestedBlock{
					"entry": {Nesting: schema.NestingList, Block: schema.Block{
						Description: "One rule, in order.",
						Attributes: map[string]*schema.Attribute{
							"sequence":    {Type: cty.Number, Optional: true, Description: "Sequence number; unset numbers entries 10, 20, 30..."},
							"action":      {Type: cty.String, Required: true, Validate: schema.OneOf("permit", "deny"), Description: "permit or deny."},
							"protocol":    {Type: cty.String, Optional: true, Default: cty.StringVal("ip"), Description: "ip, tcp, udp, icmp or a protocol number."},
							"source":      {Type: cty.String, Required: true, Description: "any, or an address or prefix (10.0.0.0/8, 10.1.1.1)."},
							"destination": {Type: cty.String, Optional: true, Default: cty.StringVal("any"), Description: "any, or an address or prefix."},
							"ports":       {Type: cty.String, Optional: true, Description: "Destination port match: \"eq 22\", \"range 1000 2000\"."},
							"log":         {Type: cty.Bool, Optional: true, Default: cty.False, Description: "Log matches."},
						},
					}},
				},
			}},
		},
		DataSources: map[string]*schema.Resource{
			"network_device": {Block: schema.Block{
				Description: "Facts about a device, from show version.",
				Attributes: map[string]*schema.Attribute{
					"device":     {Type: cty.String, Required: true, Description: "Name of the device block."},
					"hostname":   {Type: cty.String, Computed: true, Description: "Configured hostname."},
					"platform":   {Type: cty.String, Computed: true, Description: "Platform of the device block."},
					"model":      {Type: cty.String, Computed: true, Description: "Hardware model."},
					"os_version": {Type: cty.String, Computed: true, Description: "Operating system version."},
					"serial":     {Type: cty.String, Computed: true, Description: "Serial number."},
				},
			}},
		},
	}
}
