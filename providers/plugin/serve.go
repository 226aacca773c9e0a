package plugin

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	goplugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/stewardhq/steward/providers"
	pb "github.com/stewardhq/steward/providers/plugin/proto/steward/provider/v1"
)

// grpcPlugin is the go-plugin glue: on the plugin's side it registers the
// provider's server, on steward's side it makes the gRPC client.
type grpcPlugin struct {
	goplugin.NetRPCUnsupportedPlugin
	impl providers.Provider
}

func (g *grpcPlugin) GRPCServer(_ *goplugin.GRPCBroker, s *grpc.Server) error {
	srv, err := newServer(g.impl)
	if err != nil {
		return err
	}
	pb.RegisterProviderServer(s, srv)
	return nil
}

func (g *grpcPlugin) GRPCClient(_ context.Context, _ *goplugin.GRPCBroker, c *grpc.ClientConn) (any, error) {
	return pb.NewProviderClient(c), nil
}

// Serve serves p to the steward process that started this one, and
// returns when steward is done with it. It is the whole main function of a
// plugin binary:
//
//	func main() { plugin.Serve(acme.New()) }
//
// Run by hand (not by steward), the binary explains that it is a plugin
// and exits with status 1.
func Serve(p providers.Provider) {
	if os.Getenv(Handshake.MagicCookieKey) != Handshake.MagicCookieValue {
		fmt.Fprintf(os.Stderr, "%s is a steward provider plugin: steward starts it when a configuration names it in\nrequired_providers. It is not meant to be run by hand.\n", filepath.Base(os.Args[0]))
		os.Exit(1)
	}
	if cfg := p.Schema().Config; cfg != nil {
		if err := cfg.InternalValidate(); err != nil {
			// A schema steward cannot use is the plugin author's mistake;
			// saying so here beats a confusing error on steward's side.
			fmt.Fprintf(os.Stderr, "provider schema is invalid: %v\n", err)
			os.Exit(1)
		}
	}
	goplugin.Serve(&goplugin.ServeConfig{
		HandshakeConfig: Handshake,
		Plugins:         goplugin.PluginSet{pluginName: &grpcPlugin{impl: p}},
		GRPCServer: func(opts []grpc.ServerOption) *grpc.Server {
			opts = append(opts, grpc.MaxRecvMsgSize(maxMessageSize), grpc.MaxSendMsgSize(maxMessageSize))
			return grpc.NewServer(opts...)
		},
	})
}
