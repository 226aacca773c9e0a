//go:build unix

package lab

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"syscall"
)

// Detach makes cmd run in a session of its own, so that it outlives the
// command that started it and the terminal it ran in.
func Detach(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setsid = true
}

// ProcessAlive reports whether process pid exists and has not exited. A
// lab server outlives the `lab up` that started it, so once it exits it is
// reaped by init, which may take its time: until then it is a zombie, and
// counts as gone.
func ProcessAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	if err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	if stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); err == nil {
		// The state follows the parenthesised command name.
		if i := bytes.LastIndexByte(stat, ')'); i >= 0 && i+2 < len(stat) && stat[i+2] == 'Z' {
			return false
		}
	}
	return true
}

// IsLabServer reports whether pid looks like a `steward lab serve`
// process, so that a stale state file cannot make `down` signal an
// unrelated process that reused the PID. Where the command line cannot be
// read (no /proc), it trusts the state file.
func IsLabServer(pid int) bool {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil {
		return ProcessAlive(pid)
	}
	args := bytes.Split(bytes.TrimRight(data, "\x00"), []byte{0})
	for i := 0; i+1 < len(args); i++ {
		if string(args[i]) == "lab" && string(args[i+1]) == "serve" {
			return true
		}
	}
	return false
}

// Terminate asks process pid to stop (SIGTERM), or forces it (SIGKILL).
func Terminate(pid int, force bool) error {
	sig := syscall.SIGTERM
	if force {
		sig = syscall.SIGKILL
	}
	return syscall.Kill(pid, sig)
}
