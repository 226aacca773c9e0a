//go:build !unix

package lab

import (
	"os"
	"os/exec"
)

// Detach is a no-op where sessions do not exist; the lab server then ends
// with the console it was started from.
func Detach(cmd *exec.Cmd) {}

// ProcessAlive reports whether process pid exists.
func ProcessAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	return err == nil && p != nil
}

// IsLabServer trusts the state file where process command lines cannot be
// read.
func IsLabServer(pid int) bool { return ProcessAlive(pid) }

// Terminate stops process pid.
func Terminate(pid int, force bool) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	return p.Kill()
}
