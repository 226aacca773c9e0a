// Command steward is a declarative infrastructure-as-code engine for
// networks, directories and backups. Everything happens in internal/cli.
package main

import (
	"os"

	"github.com/stewardhq/steward/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Environ()))
}
