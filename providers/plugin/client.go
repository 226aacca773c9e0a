package plugin

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/stewardhq/steward/providers"
	pb "github.com/stewardhq/steward/providers/plugin/proto/steward/provider/v1"
	"github.com/stewardhq/steward/providers/plugin/wire"
	"github.com/stewardhq/steward/schema"
)

// DefaultCallTimeout bounds one call to a plugin when Options leave it
// unset. It is long because one ApplyChanges call carries a whole batch of
// changes to slow devices; a plugin that is merely slow should not be cut
// off, one that hangs should not hang steward forever.
const DefaultCallTimeout = 5 * time.Minute

// DefaultStartTimeout bounds how long a plugin may take to start and
// complete the handshake.
const DefaultStartTimeout = 30 * time.Second

// Options control how a plugin binary is run.
type Options struct {
	// Args are passed to the binary (`provider serve network` when steward
	// serves one of its own providers).
	Args []string
	// Display is how messages name the binary, for example the path as the
	// configuration wrote it; empty means the path given to NewClient.
	Display string
	// Env is added to steward's environment for the plugin process.
	Env []string
	// Dir is the plugin's working directory, which relative paths in its
	// configuration start from; empty means steward's.
	Dir string
	// SHA256, when set, is the checksum the binary must have; a binary
	// that differs is not started.
	SHA256 []byte
	// Logger receives go-plugin's messages and the plugin's log lines.
	// Nil discards them.
	Logger hclog.Logger
	// CallTimeout bounds each call; zero means DefaultCallTimeout.
	CallTimeout time.Duration
	// StartTimeout bounds start-up; zero means DefaultStartTimeout.
	StartTimeout time.Duration
}

// NewClient returns a factory of providers that run the plugin binary at
// path and forward every call to it. name is the provider's name, used in
// every message about the plugin. Each configured provider runs its own
// process, killed by Close; call CleanupClients before steward exits to
// kill any left over.
//
// The first provider made reads the schema from the plugin; later ones
// reuse it and start their process only when first used. A provider that
// was closed without being used (the engine makes one just to read the
// schema) hands its process on to the next provider instead of killing
// it, so that a plan starts one process per provider configuration, not
// two.
func NewClient(name, path string, opts Options) providers.Factory {
	if opts.CallTimeout <= 0 {
		opts.CallTimeout = DefaultCallTimeout
	}
	if opts.StartTimeout <= 0 {
		opts.StartTimeout = DefaultStartTimeout
	}
	if opts.Logger == nil {
		opts.Logger = hclog.NewNullLogger()
	}
	pool := &processPool{}
	return func() (providers.Provider, error) {
		p := &Provider{name: name, path: path, opts: opts, pool: pool}
		s, idle := pool.take()
		if idle != nil {
			p.setSchema(s)
			p.adopt(idle)
			return p, nil
		}
		if s != nil {
			p.setSchema(s)
			return p, nil
		}
		if err := p.start(); err != nil {
			return nil, err
		}
		pool.setSchema(p.schema)
		return p, nil
	}
}

// processPool is what the providers of one factory share: the schema, and
// at most one started, never used plugin process.
type processPool struct {
	mu     sync.Mutex
	schema *schema.Provider
	idle   *process
}

// process is a started plugin process and the connection to it.
type process struct {
	client *goplugin.Client
	rpc    pb.ProviderClient
	cmd    *exec.Cmd
	stderr *tailLines
}

func (pp *processPool) setSchema(s *schema.Provider) {
	pp.mu.Lock()
	defer pp.mu.Unlock()
	pp.schema = s
}

// take returns the schema, if known, and the idle process, if any and
// still running.
func (pp *processPool) take() (*schema.Provider, *process) {
	pp.mu.Lock()
	defer pp.mu.Unlock()
	idle := pp.idle
	pp.idle = nil
	if idle != nil && idle.client.Exited() {
		idle.client.Kill()
		idle = nil
	}
	return pp.schema, idle
}

// put keeps proc for the next provider, unless one is kept already.
func (pp *processPool) put(proc *process) bool {
	pp.mu.Lock()
	defer pp.mu.Unlock()
	if pp.idle != nil {
		return false
	}
	pp.idle = proc
	return true
}

// CleanupClients kills every plugin process still running. Steward calls
// it on the way out, so that no plugin outlives it even when a provider
// was never closed.
func CleanupClients() { goplugin.CleanupClients() }

// Provider is a providers.Provider served by a plugin process.
type Provider struct {
	name, path string
	opts       Options

	schema *schema.Provider
	types  wire.Types

	startOnce sync.Once
	startErr  error
	client    *goplugin.Client
	rpc       pb.ProviderClient
	stderr    *tailLines
	cmd       *exec.Cmd

	mu   sync.Mutex
	dead *providers.Diagnostic
	// used is set by the first call after Schema; an unused provider's
	// process can serve another provider.
	used atomic.Bool
	pool *processPool

	closeOnce sync.Once
}

var _ providers.Provider = (*Provider)(nil)

func (p *Provider) setSchema(s *schema.Provider) {
	p.schema = s
	p.types = wire.Types{Schema: s}
}

// adopt takes over a started process.
func (p *Provider) adopt(proc *process) {
	p.startOnce.Do(func() {
		p.client, p.rpc, p.cmd, p.stderr = proc.client, proc.rpc, proc.cmd, proc.stderr
	})
}

// describe names the provider and its binary the same way in every message.
func (p *Provider) describe() string {
	shown := p.opts.Display
	if shown == "" {
		shown = p.path
	}
	return fmt.Sprintf("provider %q (%s)", p.name, shown)
}

// start runs the plugin process and, unless the schema is known already,
// reads it.
func (p *Provider) start() error {
	p.startOnce.Do(func() { p.startErr = p.doStart() })
	return p.startErr
}

func (p *Provider) doStart() error {
	p.stderr = newTailLines(20)
	cmd := exec.Command(p.path, p.opts.Args...)
	cmd.Env = append(os.Environ(), p.opts.Env...)
	cmd.Dir = p.opts.Dir
	p.cmd = cmd
	cfg := &goplugin.ClientConfig{
		HandshakeConfig:  Handshake,
		Plugins:          goplugin.PluginSet{pluginName: &grpcPlugin{}},
		Cmd:              cmd,
		AllowedProtocols: []goplugin.Protocol{goplugin.ProtocolGRPC},
		AutoMTLS:         true,
		Managed:          true,
		Logger:           p.opts.Logger,
		Stderr:           p.stderr,
		SyncStderr:       p.stderr,
		SyncStdout:       io.Discard,
		StartTimeout:     p.opts.StartTimeout,
		GRPCDialOptions: []grpc.DialOption{grpc.WithDefaultCallOptions(
			grpc.MaxCallRecvMsgSize(maxMessageSize), grpc.MaxCallSendMsgSize(maxMessageSize))},
	}
	if p.opts.SHA256 != nil {
		cfg.SecureConfig = &goplugin.SecureConfig{Checksum: p.opts.SHA256, Hash: sha256.New()}
	}
	p.client = goplugin.NewClient(cfg)
	proto, err := p.client.Client()
	if err != nil {
		p.client.Kill()
		return p.startError(err)
	}
	raw, err := proto.Dispense(pluginName)
	if err != nil {
		p.client.Kill()
		return p.startError(err)
	}
	p.rpc = raw.(pb.ProviderClient)
	if p.schema != nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), p.opts.StartTimeout)
	defer cancel()
	resp, err := p.rpc.GetSchema(ctx, &pb.GetSchema_Request{})
	if err != nil {
		p.client.Kill()
		return p.startError(fmt.Errorf("reading its schema: %w", err))
	}
	s, err := wire.DecodeSchema(resp.Schema)
	if err != nil {
		p.client.Kill()
		return p.startError(fmt.Errorf("reading its schema: %w", err))
	}
	p.setSchema(s)
	return nil
}

func (p *Provider) startError(err error) error {
	var hint string
	switch {
	case errors.Is(err, goplugin.ErrChecksumsDoNotMatch):
		hint = "; the binary changed after its checksum was checked"
	case strings.Contains(strings.ToLower(err.Error()), "incompatible api version"), strings.Contains(err.Error(), "Unrecognized remote plugin message"):
		hint = fmt.Sprintf("; is it a steward provider plugin built for plugin protocol %d?", ProtocolVersion)
	}
	return fmt.Errorf("starting %s: %w%s%s", p.describe(), err, hint, p.lastWords())
}

// lastWords is what the plugin last wrote to its standard error, indented
// under the message it explains.
func (p *Provider) lastWords() string {
	if p.stderr == nil {
		return ""
	}
	s := p.stderr.String()
	if s == "" {
		return ""
	}
	return "\nThe plugin's last output:\n    " + strings.ReplaceAll(s, "\n", "\n    ")
}

// Schema returns the schema the plugin sent when it started. Validators do
// not cross the wire; the plugin runs them itself in Configure and
// PlanChanges.
func (p *Provider) Schema() *schema.Provider { return p.schema }

// call runs one RPC with the per-call timeout and turns its failure into a
// diagnostic that names the provider and the call. A plugin that has
// exited, or that had to be stopped for not answering, fails every later
// call the same way at once.
func (p *Provider) call(ctx context.Context, method string, rpc func(ctx context.Context) error) providers.Diagnostics {
	p.used.Store(true)
	if d := p.deadDiag(); d != nil {
		return providers.Diagnostics{*d}
	}
	if err := p.start(); err != nil {
		return providers.Diagnostics{providers.FromError("Provider plugin failed to start", err)}
	}
	cctx, cancel := context.WithTimeout(ctx, p.opts.CallTimeout)
	defer cancel()
	err := rpc(cctx)
	if err == nil {
		return nil
	}
	if ctx.Err() == nil && cctx.Err() == nil {
		// gRPC sends the deadline along, and the plugin's copy of it can
		// fire a moment before ours, failing the call as cancelled rather
		// than timed out. Close to the deadline, wait for ours.
		if dl, ok := cctx.Deadline(); ok && time.Until(dl) < time.Second {
			<-cctx.Done()
		}
	}
	switch {
	case ctx.Err() != nil:
		return providers.Diagnostics{{
			Severity: providers.Error,
			Summary:  "Provider call interrupted",
			Detail:   fmt.Sprintf("%s: %s was interrupted: %s", p.describe(), method, ctx.Err()),
		}}
	case cctx.Err() != nil:
		// A plugin that does not answer cannot be trusted to answer the
		// next call either; stop it at once (a graceful stop would wait for
		// the hung call) so that nothing else waits on it.
		if p.cmd.Process != nil {
			_ = p.cmd.Process.Kill()
		}
		p.client.Kill()
		return p.markDead(providers.Diagnostic{
			Severity: providers.Error,
			Summary:  "Provider plugin timed out",
			Detail: fmt.Sprintf("%s did not answer %s within %s and was stopped (set STEWARD_PLUGIN_TIMEOUT to allow longer)%s",
				p.describe(), method, p.opts.CallTimeout, p.lastWords()),
		})
	case p.exited():
		return p.markDead(providers.Diagnostic{
			Severity: providers.Error,
			Summary:  "Provider plugin exited unexpectedly",
			Detail:   fmt.Sprintf("%s exited unexpectedly during %s: %s%s", p.describe(), method, grpcMessage(err), p.lastWords()),
		})
	}
	return providers.Diagnostics{{
		Severity: providers.Error,
		Summary:  "Provider plugin call failed",
		Detail:   fmt.Sprintf("%s: %s failed: %s", p.describe(), method, grpcMessage(err)),
	}}
}

// exited reports whether the plugin process has gone. A failed call can
// return before go-plugin has noticed the exit, so it waits a moment.
func (p *Provider) exited() bool {
	deadline := time.Now().Add(2 * time.Second)
	for {
		if p.client.Exited() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func grpcMessage(err error) string {
	if s, ok := status.FromError(err); ok {
		if s.Code() == codes.Unavailable {
			return "the connection to it was lost (" + s.Message() + ")"
		}
		return s.Message()
	}
	return err.Error()
}

func (p *Provider) deadDiag() *providers.Diagnostic {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.dead
}

func (p *Provider) markDead(d providers.Diagnostic) providers.Diagnostics {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.dead == nil {
		p.dead = &d
	}
	return providers.Diagnostics{*p.dead}
}

func encodeFailure(method string, err error) providers.Diagnostics {
	return providers.Diagnostics{providers.FromError("Provider plugin call failed", fmt.Errorf("encoding the %s request: %w", method, err))}
}

func (p *Provider) decodeFailure(method string, err error) providers.Diagnostics {
	return providers.Diagnostics{providers.FromError("Provider plugin call failed", fmt.Errorf("%s: decoding the %s response: %w", p.describe(), method, err))}
}

// Configure forwards to the plugin.
func (p *Provider) Configure(ctx context.Context, req providers.ConfigureRequest) providers.Diagnostics {
	in, err := p.types.EncodeConfigure(req)
	if err != nil {
		return encodeFailure("Configure", err)
	}
	var out *pb.Configure_Response
	if diags := p.call(ctx, "Configure", func(ctx context.Context) (err error) {
		out, err = p.rpc.Configure(ctx, in)
		return err
	}); diags != nil {
		return diags
	}
	return wire.DecodeDiagnostics(out.Diagnostics)
}

// Discover forwards to the plugin.
func (p *Provider) Discover(ctx context.Context, req providers.DiscoverRequest) providers.DiscoverResponse {
	in, err := p.types.EncodeDiscover(req)
	if err != nil {
		return providers.DiscoverResponse{Diagnostics: encodeFailure("Discover", err)}
	}
	var out *pb.Discover_Response
	if diags := p.call(ctx, "Discover", func(ctx context.Context) (err error) {
		out, err = p.rpc.Discover(ctx, in)
		return err
	}); diags != nil {
		return providers.DiscoverResponse{Diagnostics: diags}
	}
	resp, err := p.types.DecodeDiscoverResponse(req, out)
	if err != nil {
		return providers.DiscoverResponse{Diagnostics: p.decodeFailure("Discover", err)}
	}
	return resp
}

// PlanChanges forwards to the plugin, which also runs the attribute
// validators that could not cross the wire.
func (p *Provider) PlanChanges(ctx context.Context, req providers.PlanRequest) providers.PlanResponse {
	in, err := p.types.EncodePlan(req)
	if err != nil {
		return providers.PlanResponse{Diagnostics: encodeFailure("PlanChanges", err)}
	}
	var out *pb.PlanChanges_Response
	if diags := p.call(ctx, "PlanChanges", func(ctx context.Context) (err error) {
		out, err = p.rpc.PlanChanges(ctx, in)
		return err
	}); diags != nil {
		return providers.PlanResponse{Diagnostics: diags}
	}
	resp, err := p.types.DecodePlanResponse(req, out)
	if err != nil {
		return providers.PlanResponse{Diagnostics: p.decodeFailure("PlanChanges", err)}
	}
	return resp
}

// ApplyChanges forwards to the plugin. When the plugin dies during the
// call there are no per-item results: steward then keeps every object of
// the batch as it was, and the next plan's discovery finds out what the
// plugin did before it died.
func (p *Provider) ApplyChanges(ctx context.Context, req providers.ApplyRequest) providers.ApplyResponse {
	in, err := p.types.EncodeApply(req)
	if err != nil {
		return providers.ApplyResponse{Diagnostics: encodeFailure("ApplyChanges", err)}
	}
	var out *pb.ApplyChanges_Response
	if diags := p.call(ctx, "ApplyChanges", func(ctx context.Context) (err error) {
		out, err = p.rpc.ApplyChanges(ctx, in)
		return err
	}); diags != nil {
		return providers.ApplyResponse{Diagnostics: diags}
	}
	resp, err := p.types.DecodeApplyResponse(req, out)
	if err != nil {
		return providers.ApplyResponse{Diagnostics: p.decodeFailure("ApplyChanges", err)}
	}
	return resp
}

// ReadData forwards to the plugin.
func (p *Provider) ReadData(ctx context.Context, req providers.ReadDataRequest) providers.ReadDataResponse {
	in, err := p.types.EncodeReadData(req)
	if err != nil {
		return providers.ReadDataResponse{Diagnostics: encodeFailure("ReadData", err)}
	}
	var out *pb.ReadData_Response
	if diags := p.call(ctx, "ReadData", func(ctx context.Context) (err error) {
		out, err = p.rpc.ReadData(ctx, in)
		return err
	}); diags != nil {
		return providers.ReadDataResponse{Diagnostics: diags}
	}
	resp, err := p.types.DecodeReadDataResponse(req, out)
	if err != nil {
		return providers.ReadDataResponse{Diagnostics: p.decodeFailure("ReadData", err)}
	}
	return resp
}

// Import forwards to the plugin.
func (p *Provider) Import(ctx context.Context, req providers.ImportRequest) providers.ImportResponse {
	in := wire.EncodeImport(req)
	var out *pb.Import_Response
	if diags := p.call(ctx, "Import", func(ctx context.Context) (err error) {
		out, err = p.rpc.Import(ctx, in)
		return err
	}); diags != nil {
		return providers.ImportResponse{Diagnostics: diags}
	}
	resp, err := p.types.DecodeImportResponse(req, out)
	if err != nil {
		return providers.ImportResponse{Diagnostics: p.decodeFailure("Import", err)}
	}
	return resp
}

// List forwards to the plugin.
func (p *Provider) List(ctx context.Context, req providers.ListRequest) providers.ListResponse {
	var out *pb.List_Response
	if diags := p.call(ctx, "List", func(ctx context.Context) (err error) {
		out, err = p.rpc.List(ctx, &pb.List_Request{TypeName: req.Type})
		return err
	}); diags != nil {
		return providers.ListResponse{Diagnostics: diags}
	}
	resp, err := p.types.DecodeListResponse(req.Type, out)
	if err != nil {
		return providers.ListResponse{Diagnostics: p.decodeFailure("List", err)}
	}
	return resp
}

// Close asks the plugin to release its connections, then stops the
// process. A provider whose process never started has nothing to stop; one
// that was never used hands its process on to the factory's next provider.
func (p *Provider) Close() error {
	var err error
	p.closeOnce.Do(func() {
		if p.client == nil {
			return
		}
		if !p.used.Load() && p.deadDiag() == nil && !p.client.Exited() &&
			p.pool.put(&process{client: p.client, rpc: p.rpc, cmd: p.cmd, stderr: p.stderr}) {
			return
		}
		defer p.client.Kill()
		if p.deadDiag() != nil || p.client.Exited() {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		resp, cerr := p.rpc.Close(ctx, &pb.Close_Request{})
		switch {
		case cerr != nil:
			err = fmt.Errorf("closing %s: %s", p.describe(), grpcMessage(cerr))
		case resp.Error != "":
			err = fmt.Errorf("closing %s: %s", p.describe(), resp.Error)
		}
	})
	return err
}
