package plugin

// Regenerating needs protoc (Debian: protobuf-compiler) and the two Go
// plugins at the versions the committed code was made with; CI does not
// regenerate, it builds the committed code. See README.md.
//
//go:generate protoc --proto_path=proto --go_out=proto --go_opt=paths=source_relative --go-grpc_out=proto --go-grpc_opt=paths=source_relative steward/provider/v1/provider.proto
