package config

import "strings"

// FlagHint says what an unknown flag (its name, without the dashes) may
// have meant: for a password, where aim takes one (never a flag, where
// others can see it); else the closest of flags, at most two edits away
// (sever: server; the distance of setting keys); else "".
func FlagHint(name string, flags []string) string {
	if strings.HasPrefix(name, "pass") && !strings.Contains(name, "command") {
		return "aim takes no password on the command line, where others can see it: set AIM_PASSWORD, or password_command in the config file, or give --password-command"
	}
	best, bestD := "", 3
	for _, f := range flags {
		if d := editDistance(name, f); d < bestD {
			best, bestD = f, d
		}
	}
	if best == "" {
		return ""
	}
	return "did you mean --" + best + "?"
}

// BuddiesStarting are the buddies whose screen names start with prefix, in
// any case, as the file spells them: shell completion of a name.
func (c *Config) BuddiesStarting(prefix string) []string {
	var names []string
	for _, g := range c.Buddies {
		for _, name := range g.Names {
			if len(name) >= len(prefix) && strings.EqualFold(name[:len(prefix)], prefix) {
				names = append(names, name)
			}
		}
	}
	return names
}
