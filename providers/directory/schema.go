package directory

import (
	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/schema"
)

func providerSchema() *schema.Provider {
	str := func(desc string) *schema.Attribute {
		return &schema.Attribute{Type: cty.String, Optional: true, Description: desc}
	}
	return &schema.Provider{
		Config: &schema.Block{
			Description: "An LDAP directory.",
			Attributes: map[string]*schema.Attribute{
				"url":                  {Type: cty.String, Required: true, Description: "ldap://host:port or ldaps://host:port."},
				"start_tls":            {Type: cty.Bool, Optional: true, Default: cty.False, Description: "Upgrade an ldap:// connection with StartTLS."},
				"bind_dn":              {Type: cty.String, Required: true, Description: "DN to bind as."},
				"password":             {Type: cty.String, Required: true, Sensitive: true, Description: "Bind password; take it from a sensitive variable."},
				"base_dn":              {Type: cty.String, Required: true, Description: "Base of the managed tree."},
				"users_ou":             {Type: cty.String, Optional: true, Default: cty.StringVal("ou=people"), Description: "Where users live, relative to base_dn."},
				"groups_ou":            {Type: cty.String, Optional: true, Default: cty.StringVal("ou=groups"), Description: "Where groups live, relative to base_dn."},
				"disabled_ou":          {Type: cty.String, Optional: true, Default: cty.StringVal("ou=disabled"), Description: "Where disabled users are moved, relative to base_dn."},
				"ca_file":              str("PEM file of the CA that signed the server's certificate."),
				"insecure_skip_verify": {Type: cty.Bool, Optional: true, Default: cty.False, Description: "Do not verify the server's certificate. Every plan warns about it."},
				"timeout":              {Type: cty.String, Optional: true, Default: cty.StringVal("30s"), Description: "How long one operation may take."},
				"page_size":            {Type: cty.Number, Optional: true, Default: cty.NumberIntVal(500), Validate: schema.IntBetween(1, 100000), Description: "Entries per page in discovery searches."},
				"uid_number_min":       {Type: cty.Number, Optional: true, Default: cty.NumberIntVal(10000), Description: "First uidNumber allocated to new users."},
				"uid_number_max":       {Type: cty.Number, Optional: true, Default: cty.NumberIntVal(59999), Description: "Last uidNumber allocated to new users."},
				"empty_group_member":   str("DN kept as the only member of an empty group (groupOfNames needs one); default cn=empty-group,BASE. It never shows in members."),
				"connections":          {Type: cty.Number, Optional: true, Default: cty.NumberIntVal(4), Validate: schema.IntBetween(1, 64), Description: "How many operations run at once."},
			},
		},
		Resources: map[string]*schema.Resource{
			"directory_ou": {Block: schema.Block{
				Description: "An organizational unit.",
				Attributes: map[string]*schema.Attribute{
					"name":        {Type: cty.String, Required: true, ForceNew: true, Description: "The ou value."},
					"parent":      {Type: cty.String, Optional: true, Computed: true, ForceNew: true, Description: "DN of the parent; default base_dn."},
					"description": str("Description."),
					"dn":          {Type: cty.String, Computed: true, Description: "The entry's DN."},
				},
			}},
			"directory_user": {Block: schema.Block{
				Description: "A user account. enabled = false is the leaver workflow: the account is locked, removed from every managed group and moved to disabled_ou, with its data kept.",
				Attributes: map[string]*schema.Attribute{
					"uid":             {Type: cty.String, Required: true, ForceNew: true, Description: "Login name."},
					"full_name":       {Type: cty.String, Required: true, Description: "cn."},
					"given_name":      str("givenName."),
					"surname":         {Type: cty.String, Optional: true, Computed: true, Description: "sn; default the last word of full_name."},
					"email":           str("mail."),
					"title":           str("title."),
					"department":      str("departmentNumber."),
					"employee_number": str("employeeNumber."),
					"phone":           str("telephoneNumber."),
					"uid_number":      {Type: cty.Number, Optional: true, Computed: true, Description: "uidNumber; allocated from the provider's range when unset, and kept."},
					"gid_number":      {Type: cty.Number, Optional: true, Computed: true, Description: "gidNumber; default the uid_number."},
					"home_directory":  {Type: cty.String, Optional: true, Computed: true, Description: "homeDirectory; default /home/UID."},
					"login_shell":     {Type: cty.String, Optional: true, Default: cty.StringVal("/bin/bash"), Description: "loginShell."},
					"ssh_public_keys": {Type: cty.Set(cty.String), Optional: true, Description: "OpenSSH public keys (sshPublicKey of the openssh-lpk schema, which the server must have)."},
					"groups":          {Type: cty.Set(cty.String), Optional: true, Description: "Names of the groups the user is in, authoritative for those groups; unset leaves memberships to the groups' members."},
					"password":        {Type: cty.String, Optional: true, WriteOnly: true, Description: "Password, never stored or shown; changing it here changes it on the server."},
					"enabled":         {Type: cty.Bool, Optional: true, Default: cty.True, Description: "false locks the account, removes it from its groups and moves it to disabled_ou."},
					"dn":              {Type: cty.String, Computed: true, Description: "The entry's DN."},
				},
			}},
			"directory_group": {Block: schema.Block{
				Description: "A group (groupOfNames, and posixGroup when gid_number is set).",
				Attributes: map[string]*schema.Attribute{
					"name":        {Type: cty.String, Required: true, Description: "cn; renaming moves the entry (modrdn)."},
					"description": str("Description."),
					"members":     {Type: cty.Set(cty.String), Optional: true, Description: "uids of the members, authoritative; unset leaves membership to the users' groups."},
					"gid_number":  {Type: cty.Number, Optional: true, Description: "gidNumber; makes the group a posixGroup too."},
					"dn":          {Type: cty.String, Computed: true, Description: "The entry's DN."},
				},
			}},
		},
		DataSources: map[string]*schema.Resource{
			"directory_user": {Block: schema.Block{
				Description: "Looks up an existing user by uid.",
				Attributes: map[string]*schema.Attribute{
					"uid":        {Type: cty.String, Required: true},
					"dn":         {Type: cty.String, Computed: true},
					"full_name":  {Type: cty.String, Computed: true},
					"email":      {Type: cty.String, Computed: true},
					"department": {Type: cty.String, Computed: true},
					"uid_number": {Type: cty.Number, Computed: true},
					"groups":     {Type: cty.Set(cty.String), Computed: true},
					"enabled":    {Type: cty.Bool, Computed: true},
				},
			}},
			"directory_group": {Block: schema.Block{
				Description: "Looks up an existing group by name.",
				Attributes: map[string]*schema.Attribute{
					"name":       {Type: cty.String, Required: true},
					"dn":         {Type: cty.String, Computed: true},
					"members":    {Type: cty.Set(cty.String), Computed: true},
					"gid_number": {Type: cty.Number, Computed: true},
				},
			}},
		},
	}
}
