package backup

import (
	"github.com/zclconf/go-cty/cty"

	"github.com/stewardhq/steward/schema"
)

// Resource type names.
const (
	RepositoryType = "backup_repository"
	PolicyType     = "backup_policy"
)

// Defaults of a repository's settings.
const (
	DefaultCompression = "auto"
	DefaultPackSizeMiB = 16
)

func providerSchema() *schema.Provider {
	return &schema.Provider{
		Config: &schema.Block{
			Description: "Encrypted, deduplicated backup repositories and the policies stored in them.",
			Attributes: map[string]*schema.Attribute{
				"password": {Type: cty.String, Optional: true, Sensitive: true, Description: "Password of every repository whose backup_repository does not set its own; " +
					"it reads and writes the policies stored in repositories. Default: STEWARD_BACKUP_PASSWORD in the environment."},
				"ssh_key_file": {Type: cty.String, Optional: true, Description: "Private key that logs in to sftp:// repositories; default the first of ~/.ssh/id_ed25519, id_ecdsa and id_rsa. " +
					"A password login takes STEWARD_SFTP_PASSWORD from the environment."},
				"known_hosts_file": {Type: cty.String, Optional: true, Description: "known_hosts file with the host keys of sftp:// repositories' servers; default ~/.ssh/known_hosts. Host keys are always verified."},
			},
		},
		Resources: map[string]*schema.Resource{
			RepositoryType: {Block: schema.Block{
				Description: "A backup repository. Creating it initialises the repository at its location; " +
					"destroying it only forgets it: the backups it holds are never deleted by steward destroy.",
				Attributes: map[string]*schema.Attribute{
					"path":           {Type: cty.String, Optional: true, ForceNew: true, Description: "Directory of a repository on this machine. Set path or url, not both."},
					"url":            {Type: cty.String, Optional: true, ForceNew: true, Description: "Location of a remote repository (sftp://user@host/dir). Set path or url, not both."},
					"password":       {Type: cty.String, Optional: true, Sensitive: true, WriteOnly: true, Description: "Password the repository is initialised with; default the provider's password. Never stored: the state keeps a keyed hash."},
					"compression":    {Type: cty.String, Optional: true, Default: cty.StringVal(DefaultCompression), Validate: schema.OneOf("auto", "off", "max"), Description: "Compression of new data: auto, off or max."},
					"pack_size":      {Type: cty.Number, Optional: true, Default: cty.NumberIntVal(DefaultPackSizeMiB), Validate: schema.IntBetween(4, 128), Description: "Target size of pack files, in MiB."},
					"id":             {Type: cty.String, Computed: true, Description: "The repository's id, chosen when it is initialised."},
					"format_version": {Type: cty.Number, Computed: true, Description: "Version of the repository format."},
				},
			}},
			PolicyType: {Block: schema.Block{
				Description: "A backup policy, stored (encrypted) in its repository so that steward backup run, " +
					"and a restore on another machine, need nothing else. Applying a policy never deletes snapshots.",
				Attributes: map[string]*schema.Attribute{
					"repository":      {Type: cty.String, Required: true, ForceNew: true, Description: "Location of the repository, usually backup_repository.NAME.path (or .url)."},
					"name":            {Type: cty.String, Required: true, ForceNew: true, Validate: validPolicyName, Description: "Name of the policy in the repository; snapshots record it."},
					"sources":         {Type: cty.List(cty.String), Required: true, Validate: validSources, Description: "Absolute paths to back up."},
					"exclude":         {Type: cty.List(cty.String), Optional: true, Description: "Glob patterns of paths to leave out."},
					"one_file_system": {Type: cty.Bool, Optional: true, Default: cty.False, Description: "Do not cross into other file systems."},
					"schedule":        {Type: cty.String, Optional: true, Validate: validSchedule, Description: "When to run, in cron syntax (minute hour day-of-month month day-of-week, or @daily), for the scheduler that calls steward backup run."},
					"tags":            {Type: cty.Set(cty.String), Optional: true, Description: "Tags given to the policy's snapshots."},
					"prune":           {Type: cty.Bool, Optional: true, Default: cty.False, Description: "After each run, forget snapshots the keep rules no longer keep and delete the data only they used."},
				},
				BlockTypes: map[string]*schema.NestedBlock{
					"keep": {Nesting: schema.NestingSingle, Block: schema.Block{
						Description: "Which snapshots to keep when forgetting (steward backup forget --policy, or prune = true). A snapshot is kept if any rule keeps it.",
						Attributes: map[string]*schema.Attribute{
							"last":    keepCount("the newest N snapshots"),
							"hourly":  keepCount("the newest snapshot of each of the last N hours that have one"),
							"daily":   keepCount("the newest snapshot of each of the last N days that have one"),
							"weekly":  keepCount("the newest snapshot of each of the last N weeks that have one"),
							"monthly": keepCount("the newest snapshot of each of the last N months that have one"),
							"yearly":  keepCount("the newest snapshot of each of the last N years that have one"),
							"within":  {Type: cty.String, Optional: true, Validate: validWithin, Description: "Keep every snapshot younger than this, relative to the newest: 30d, 2y5m, 12h."},
						},
					}},
				},
			}},
		},
	}
}

func keepCount(what string) *schema.Attribute {
	return &schema.Attribute{Type: cty.Number, Optional: true, Validate: schema.IntBetween(0, 100000), Description: "Keep " + what + "."}
}
