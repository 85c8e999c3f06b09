//go:build unix

package proc

import (
	"fmt"
	"os/user"
	"strconv"
	"syscall"
)

// runAs makes the child run as the system user name, with its primary
// group and no supplementary groups. The kernel keeps the parent-death
// signal: Go sets it after switching the credentials.
func runAs(attr *syscall.SysProcAttr, name string) error {
	uid, gid, err := LookupUser(name)
	if err != nil {
		return err
	}
	attr.Credential = &syscall.Credential{Uid: uid, Gid: gid}
	return nil
}

// LookupUser returns the numeric user and primary group ids of the system
// user name.
func LookupUser(name string) (uid, gid uint32, err error) {
	u, err := user.Lookup(name)
	if err != nil {
		return 0, 0, fmt.Errorf("system user %q: %w", name, err)
	}
	id, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return 0, 0, fmt.Errorf("system user %q: uid %q: %w", name, u.Uid, err)
	}
	g, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return 0, 0, fmt.Errorf("system user %q: gid %q: %w", name, u.Gid, err)
	}
	return uint32(id), uint32(g), nil
}
