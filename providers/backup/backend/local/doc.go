// Package local stores a backup repository's files in a directory of the
// local filesystem:
//
//	PATH/config
//	PATH/keys/<name>
//	PATH/data/XX/<name>   (XX: the first two characters of the name)
//	PATH/index/<name>
//	PATH/snapshots/<name>
//	PATH/locks/<name>
//	PATH/policies/<name>
//
// Pack files are spread over 256 subdirectories so that no directory holds
// millions of entries. Every file is written to a temporary name in its final
// directory, synced, renamed into place and the directory synced, so a crash
// or a kill -9 never leaves a truncated file under a final name; temporary
// files are invisible to List. Stored files are read-only (0400): they are
// never modified, only replaced (lock files) or removed.
package local
