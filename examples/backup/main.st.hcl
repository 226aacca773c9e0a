# A backup repository on this machine and two policies stored in it.
# Run them with "steward backup run" (from cron or a systemd timer at the
# times in schedule), list with "steward backup snapshots".

variable "backup_password" {
  type      = string
  sensitive = true
}

variable "repository_path" {
  type    = string
  default = "/srv/backup/main"
}

variable "shares" {
  description = "Directory holding the departments' shares."
  type        = string
  default     = "/srv/shares"
}

provider "backup" {
  password = var.backup_password
}

resource "backup_repository" "main" {
  path        = var.repository_path
  compression = "auto"
}

resource "backup_policy" "finance" {
  repository = backup_repository.main.path
  name       = "finance"
  sources    = ["${var.shares}/finance"]
  exclude    = ["*.tmp", "~$*"]
  schedule   = "0 2 * * *"
  tags       = ["finance"]
  prune      = true

  keep {
    daily   = 14
    weekly  = 8
    monthly = 12
  }
}

resource "backup_policy" "sales" {
  repository = backup_repository.main.path
  name       = "sales"
  sources    = ["${var.shares}/sales"]
  schedule   = "30 2 * * 1-5"

  keep {
    last   = 10
    within = "30d"
  }
}
