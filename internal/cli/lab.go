package cli

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/go-ldap/ldap/v3"
	"github.com/spf13/cobra"
	"golang.org/x/crypto/ssh"

	"github.com/stewardhq/steward/internal/lab"
	"github.com/stewardhq/steward/internal/ui"
)

// labPasswordEnv passes the lab's password from `lab up` to the `lab serve`
// process it starts: the environment of a process is private to its user,
// its command line is not. A user may also set it to choose the password.
const labPasswordEnv = "STEWARD_LAB_PASSWORD"

// NewCmdLab builds `steward lab` and its subcommands.
func NewCmdLab(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "lab <subcommand>",
		Short: "Run simulated network devices and a directory server on this machine",
		Long: `Run simulated switches that speak Cisco IOS-XE, Arista EOS and Cisco NX-OS over
SSH on 127.0.0.1, and an LDAP directory server, so that steward can be tried
and tested without hardware.

"steward lab up" starts them in the background and writes providers.st.hcl
(the provider blocks that reach them, host keys and the directory's CA
included) and lab.auto.vars.hcl (their credentials) into the directory;
"steward lab down" stops them. The devices keep their configuration, and the
directory its entries, while the lab runs.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(
		NewCmdLabUp(f, nil),
		NewCmdLabDown(f, nil),
		NewCmdLabStatus(f, nil),
		newCmdLabServe(f),
	)
	return cmd
}

// LabUpOptions are the inputs of `steward lab up`.
type LabUpOptions struct {
	Dir       string
	Devices   int
	Platforms []string
	Latency   time.Duration
	Port      int
	Username  string
	Timeout   time.Duration
	// Directory also starts the LDAP directory server (the default).
	Directory bool
	// Executable is the steward binary that serves the lab; the running
	// one by default.
	Executable string

	f *Factory
}

// NewCmdLabUp builds `steward lab up`.
func NewCmdLabUp(f *Factory, runF func(*LabUpOptions) error) *cobra.Command {
	opts := &LabUpOptions{f: f}
	cmd := &cobra.Command{
		Use:   "up [--dir DIR] [--devices N] [--latency 20ms]",
		Short: "Start simulated devices in the background",
		Long: `Start simulated network devices in the background and write, into DIR,
providers.st.hcl with a provider "network" block for them and
lab.auto.vars.hcl with their credentials. Returns once every device accepts
SSH logins.

Without --devices the lab has a Cisco IOS-XE switch "core-1" and an Arista
EOS switch "access-1". With --devices N, devices take the platforms of
--platforms in turn and are named core-N (IOS-XE), access-N (EOS) and
leaf-N (NX-OS).

The lab also runs an LDAP directory server (dc=example,dc=org, with ou=people,
ou=groups and ou=disabled) over LDAPS, and providers.st.hcl gets a provider
"directory" block for it, bound as cn=admin,dc=example,dc=org with the lab's
password and verifying the server with the CA in .lab/directory-ca.pem;
--directory=false leaves it out.

The password is random unless STEWARD_LAB_PASSWORD is set.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return labUpRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Dir, "dir", ".", "Directory of the lab: its state, and where the configuration is written")
	fl.IntVar(&opts.Devices, "devices", 0, "Number of devices (default: the two-switch lab)")
	fl.StringSliceVar(&opts.Platforms, "platforms", []string{lab.PlatformIOSXE, lab.PlatformEOS}, "Platforms the devices take in turn: "+strings.Join(lab.Platforms(), ", "))
	fl.DurationVar(&opts.Latency, "latency", 0, "Delay before each device answers a command, like a slow device or link")
	fl.IntVar(&opts.Port, "port", 0, "First TCP port; devices take consecutive ports (default: free ports)")
	fl.StringVar(&opts.Username, "username", "admin", "Login name on the devices")
	fl.DurationVar(&opts.Timeout, "timeout", 30*time.Second, "How long to wait for the devices to start")
	fl.BoolVar(&opts.Directory, "directory", true, "Also start the LDAP directory server (after the devices' ports with --port)")
	return cmd
}

func labUpRun(ctx context.Context, opts *LabUpOptions) error {
	f := opts.f
	dir, err := filepath.Abs(f.Path(opts.Dir))
	if err != nil {
		return err
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return flagErrorf("--dir %s is not a directory", opts.Dir)
	}
	if opts.Devices < 0 {
		return flagErrorf("--devices must be at least 1")
	}
	if _, err := labSpecs(opts.Devices, opts.Platforms, opts.Port); err != nil {
		return &FlagError{Err: err}
	}
	if st, err := lab.ReadState(dir); err == nil {
		if lab.ProcessAlive(st.PID) {
			return fmt.Errorf("a lab is already running in %s (process %d); stop it first with: steward lab down --dir %s", dir, st.PID, opts.Dir)
		}
		_ = lab.RemoveState(dir, st.PID) // left by a lab that died
	} else if !errors.Is(err, lab.ErrNoLab) {
		return err
	}

	password := lookupEnv(f.Environ, labPasswordEnv)
	if password == "" {
		if password, err = lab.RandomPassword(); err != nil {
			return err
		}
	}
	exe := opts.Executable
	if exe == "" {
		if exe, err = os.Executable(); err != nil {
			return fmt.Errorf("finding the steward binary to run the lab with: %w", err)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, lab.StateDir), 0o700); err != nil {
		return err
	}
	logPath := filepath.Join(dir, lab.StateDir, "serve.log")
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	defer logFile.Close()

	args := []string{"lab", "serve", "--dir", dir, "--username", opts.Username,
		"--devices", strconv.Itoa(opts.Devices), "--platforms", strings.Join(opts.Platforms, ","),
		"--latency", opts.Latency.String(), "--port", strconv.Itoa(opts.Port), "--directory=" + strconv.FormatBool(opts.Directory)}
	child := exec.Command(exe, args...)
	child.Env = append(withoutEnv(f.Environ, labPasswordEnv), labPasswordEnv+"="+password)
	child.Stdout, child.Stderr = logFile, logFile
	child.Dir = dir
	lab.Detach(child)
	if err := child.Start(); err != nil {
		return fmt.Errorf("starting the lab: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- child.Wait() }()

	st, err := waitForLab(ctx, dir, child.Process.Pid, opts.Username, password, opts.Timeout, exited)
	if err != nil {
		_ = lab.Terminate(child.Process.Pid, false)
		log, _ := os.ReadFile(logPath)
		if msg := strings.TrimSpace(string(log)); msg != "" {
			return fmt.Errorf("%w\nThe lab server said:\n%s", err, msg)
		}
		return err
	}
	// A provider block steward cannot load would break every plan in dir:
	// the directory gets one only when this steward has the provider.
	services := st.Services
	hasDirectoryProvider := f.Registry != nil && f.Registry().Has(lab.KindDirectory)
	if !hasDirectoryProvider {
		services = nil
		for _, s := range st.Services {
			if s.Kind != lab.KindDirectory {
				services = append(services, s)
			}
		}
	}
	if err := lab.WriteConfig(dir, services, opts.Username, password); err != nil {
		return err
	}
	_ = os.WriteFile(filepath.Join(dir, lab.StateDir, "known_hosts"), []byte(lab.KnownHosts(st.Services)), 0o600)

	out := f.IO.Out
	fmt.Fprintf(out, "Lab started in %s (process %d):\n", dir, st.PID)
	printLabServices(out, st.Services, nil)
	for _, s := range st.Services {
		if s.Kind != lab.KindDirectory {
			continue
		}
		fmt.Fprintf(out, "\nDirectory %s at %s (StartTLS: %s), administrator %s",
			s.Attributes["base_dn"], s.Attributes["url"], s.Attributes["start_tls_url"], s.Attributes["bind_dn"])
		if hasDirectoryProvider {
			fmt.Fprintf(out, ";\nits CA certificate is %s.\n", filepath.Join(dir, lab.StateDir, lab.DirectoryCAFile))
		} else {
			fmt.Fprintf(out, ".\nThis steward has no directory provider, so %s has no block for it.\n", lab.ProviderFile)
		}
	}
	fmt.Fprintf(out, "\nWrote %s and %s. Stop the lab with: steward lab down --dir %s\n", lab.ProviderFile, lab.VarsFile, opts.Dir)
	return nil
}

// waitForLab waits until the server has written its state, every device
// accepts an SSH login with the lab's credentials and its recorded host key,
// and the directory server a bind over LDAPS verified with its CA.
func waitForLab(ctx context.Context, dir string, pid int, user, password string, timeout time.Duration, exited <-chan error) (lab.State, error) {
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	var st lab.State
	ready := map[string]bool{}
	var lastErr error
	for {
		select {
		case err := <-exited:
			if err == nil {
				err = errors.New("it exited")
			}
			return st, fmt.Errorf("the lab server stopped before the devices were ready: %v", err)
		case <-ctx.Done():
			return st, ctx.Err()
		case <-tick.C:
		}
		if time.Now().After(deadline) {
			msg := fmt.Sprintf("the lab did not start within %s", timeout)
			if lastErr != nil {
				msg += ": " + lastErr.Error()
			}
			return st, errors.New(msg)
		}
		var err error
		if st, err = lab.ReadState(dir); err != nil || st.PID != pid {
			continue
		}
		all := true
		for _, s := range st.Services {
			if ready[s.Name] {
				continue
			}
			var err error
			switch s.Kind {
			case lab.KindNetworkDevice:
				err = sshLogin(s, user, password)
			case lab.KindDirectory:
				err = directoryBind(s, password)
			default:
				continue
			}
			if err != nil {
				lastErr = fmt.Errorf("%s: %w", s.Name, err)
				all = false
				continue
			}
			ready[s.Name] = true
		}
		if all {
			return st, nil
		}
	}
}

// sshLogin logs in to a device and leaves, checking its host key.
func sshLogin(s lab.ServiceInfo, user, password string) error {
	key, _, _, _, err := ssh.ParseAuthorizedKey([]byte(s.HostKey))
	if err != nil {
		return fmt.Errorf("bad host key in the lab state: %w", err)
	}
	client, err := ssh.Dial("tcp", s.Address(), &ssh.ClientConfig{
		User:            user,
		Auth:            []ssh.AuthMethod{ssh.Password(password)},
		HostKeyCallback: ssh.FixedHostKey(key),
		Timeout:         2 * time.Second,
	})
	if err != nil {
		return err
	}
	return client.Close()
}

// directoryBind binds to the lab's directory server as its administrator
// over LDAPS, verifying its certificate with the CA in the lab state.
func directoryBind(s lab.ServiceInfo, password string) error {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM([]byte(s.Attributes["ca_pem"])) {
		return errors.New("no CA certificate for the directory in the lab state")
	}
	conn, err := ldap.DialURL(s.Attributes["url"],
		ldap.DialWithTLSConfig(&tls.Config{RootCAs: pool, ServerName: s.Host, MinVersion: tls.VersionTLS12}),
		ldap.DialWithDialer(&net.Dialer{Timeout: 2 * time.Second}))
	if err != nil {
		return err
	}
	defer conn.Close()
	conn.SetTimeout(2 * time.Second)
	return conn.Bind(s.Attributes["bind_dn"], password)
}

// labSpecs are the devices of a lab of n devices (0: the default lab).
func labSpecs(n int, platforms []string, firstPort int) ([]lab.DeviceSpec, error) {
	if n == 0 {
		specs := lab.DefaultDevices()
		for i := range specs {
			if firstPort != 0 {
				specs[i].Port = firstPort + i
			}
		}
		return specs, nil
	}
	return lab.GenerateDevices(n, platforms, firstPort)
}

// LabDownOptions are the inputs of `steward lab down`.
type LabDownOptions struct {
	Dir     string
	Timeout time.Duration

	f *Factory
}

// NewCmdLabDown builds `steward lab down`.
func NewCmdLabDown(f *Factory, runF func(*LabDownOptions) error) *cobra.Command {
	opts := &LabDownOptions{f: f}
	cmd := &cobra.Command{
		Use:   "down [--dir DIR]",
		Short: "Stop the simulated devices",
		Long: `Stop the lab running in DIR. The devices' configuration is lost.
providers.st.hcl and lab.auto.vars.hcl stay; the next "steward lab up"
rewrites them.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return labDownRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Dir, "dir", ".", "Directory of the lab")
	cmd.Flags().DurationVar(&opts.Timeout, "timeout", 10*time.Second, "How long to wait for the lab to stop before killing it")
	return cmd
}

func labDownRun(opts *LabDownOptions) error {
	f := opts.f
	dir, err := filepath.Abs(f.Path(opts.Dir))
	if err != nil {
		return err
	}
	st, err := lab.ReadState(dir)
	if errors.Is(err, lab.ErrNoLab) {
		fmt.Fprintf(f.IO.Out, "No lab is running in %s.\n", dir)
		return nil
	}
	if err != nil {
		return err
	}
	if lab.ProcessAlive(st.PID) {
		if !lab.IsLabServer(st.PID) {
			return fmt.Errorf("process %d named in %s is not a steward lab server; remove that file if the lab is gone", st.PID, lab.StatePath(dir))
		}
		if err := lab.Terminate(st.PID, false); err != nil {
			return fmt.Errorf("stopping the lab (process %d): %w", st.PID, err)
		}
		deadline := time.Now().Add(opts.Timeout)
		for lab.ProcessAlive(st.PID) && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if lab.ProcessAlive(st.PID) {
			_ = lab.Terminate(st.PID, true)
		}
	}
	_ = lab.RemoveState(dir, st.PID)
	fmt.Fprintf(f.IO.Out, "Lab in %s stopped.\n", dir)
	return nil
}

// LabStatusOptions are the inputs of `steward lab status`.
type LabStatusOptions struct {
	Dir  string
	JSON bool

	f *Factory
}

// NewCmdLabStatus builds `steward lab status`.
func NewCmdLabStatus(f *Factory, runF func(*LabStatusOptions) error) *cobra.Command {
	opts := &LabStatusOptions{f: f}
	cmd := &cobra.Command{
		Use:   "status [--dir DIR] [-json]",
		Short: "List the simulated devices and whether they answer",
		Long: `List the devices of the lab running in DIR: name, platform, address and
whether it accepts connections. Exits with status 1 when no lab runs in DIR.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return labStatusRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Dir, "dir", ".", "Directory of the lab")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "Print the status as JSON")
	return cmd
}

// labStatusJSON is the -json output of `steward lab status`.
type labStatusJSON struct {
	FormatVersion string              `json:"format_version"`
	Dir           string              `json:"dir"`
	Running       bool                `json:"running"`
	PID           int                 `json:"pid,omitempty"`
	Services      []labServiceStatusJ `json:"services"`
}

type labServiceStatusJ struct {
	lab.ServiceInfo
	Up bool `json:"up"`
}

func labStatusRun(opts *LabStatusOptions) error {
	f := opts.f
	dir, err := filepath.Abs(f.Path(opts.Dir))
	if err != nil {
		return err
	}
	st, err := lab.ReadState(dir)
	if err != nil && !errors.Is(err, lab.ErrNoLab) {
		return err
	}
	running := err == nil && lab.ProcessAlive(st.PID)
	up := map[string]bool{}
	if running {
		for _, s := range st.Services {
			c, err := net.DialTimeout("tcp", s.Address(), time.Second)
			if err == nil {
				c.Close()
				up[s.Name] = true
			}
		}
	}
	if opts.JSON {
		out := labStatusJSON{FormatVersion: "1.0", Dir: dir, Running: running, Services: []labServiceStatusJ{}}
		if running {
			out.PID = st.PID
			for _, s := range st.Services {
				out.Services = append(out.Services, labServiceStatusJ{ServiceInfo: s, Up: up[s.Name]})
			}
		}
		if err := ui.RenderJSON(f.IO.Out, out); err != nil {
			return err
		}
		if !running {
			return errSilent
		}
		return nil
	}
	if !running {
		return fmt.Errorf("no lab is running in %s; start one with: steward lab up --dir %s", dir, opts.Dir)
	}
	fmt.Fprintf(f.IO.Out, "Lab in %s (process %d):\n", dir, st.PID)
	printLabServices(f.IO.Out, st.Services, up)
	return nil
}

// printLabServices prints the services as a table; with up, a status
// column too.
func printLabServices(w interface{ Write([]byte) (int, error) }, services []lab.ServiceInfo, up map[string]bool) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	header := "  NAME\tPLATFORM\tADDRESS"
	if up != nil {
		header += "\tSTATUS"
	}
	fmt.Fprintln(tw, header)
	for _, s := range services {
		kind := s.Platform
		if kind == "" {
			kind = s.Kind
		}
		line := "  " + s.Name + "\t" + kind + "\t" + s.Address()
		if up != nil {
			status := "down"
			if up[s.Name] {
				status = "up"
			}
			line += "\t" + status
		}
		fmt.Fprintln(tw, line)
	}
	tw.Flush()
}

// newCmdLabServe builds the hidden `steward lab serve`, the background
// process `lab up` starts: it runs the lab until it receives SIGTERM or
// SIGINT, and records it in DIR/.lab/state.json meanwhile.
func newCmdLabServe(f *Factory) *cobra.Command {
	var dir, username string
	var platforms []string
	var devices, port int
	var latency time.Duration
	var withDirectory bool
	cmd := &cobra.Command{
		Use:    "serve --dir DIR",
		Short:  "Run the lab in the foreground (started by lab up)",
		Hidden: true,
		Args:   noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			password := lookupEnv(f.Environ, labPasswordEnv)
			if password == "" {
				return fmt.Errorf("lab serve needs the password in %s", labPasswordEnv)
			}
			specs, err := labSpecs(devices, platforms, port)
			if err != nil {
				return &FlagError{Err: err}
			}
			abs, err := filepath.Abs(f.Path(dir))
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			opts := lab.Options{Devices: specs, Username: username, Password: password, Latency: latency, Directory: withDirectory}
			if port != 0 {
				opts.DirectoryPort = port + len(specs)
			}
			l, err := lab.Start(ctx, opts)
			if err != nil {
				return err
			}
			defer l.Stop()
			pid := os.Getpid()
			if err := lab.WriteState(abs, lab.State{PID: pid, StartedAt: f.Now().UTC(), Username: username, Services: l.Services()}); err != nil {
				return err
			}
			defer lab.RemoveState(abs, pid)
			fmt.Fprintf(f.IO.Out, "lab serving %d devices for %s\n", len(specs), abs)
			<-ctx.Done()
			fmt.Fprintln(f.IO.Out, "lab stopping")
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&dir, "dir", ".", "Directory of the lab")
	fl.StringVar(&username, "username", "admin", "Login name")
	fl.IntVar(&devices, "devices", 0, "Number of devices")
	fl.StringSliceVar(&platforms, "platforms", nil, "Platforms of the devices")
	fl.IntVar(&port, "port", 0, "First TCP port")
	fl.DurationVar(&latency, "latency", 0, "Per-command latency")
	fl.BoolVar(&withDirectory, "directory", false, "Also run the directory server")
	return cmd
}

// withoutEnv returns environ without the variable name.
func withoutEnv(environ []string, name string) []string {
	out := make([]string, 0, len(environ))
	for _, kv := range environ {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return out
}
