package main

import (
	"context"
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/argusqa/argus/internal/config"
	"github.com/argusqa/argus/migrations"
)

func runMigrate(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "migrate", "migrate up | down [N|all] | status  [flags]")
	cfg, rest, err := loadConfig(e, fs, args, config.DatabaseURL, config.Development, config.LogLevel, config.LogFormat)
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		fs.Usage()
		return usagef("say up, down or status")
	}
	pool, err := connect(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	m, err := migrations.New(pool, cfg.Logger(e.stderr))
	if err != nil {
		return err
	}

	switch rest[0] {
	case "up":
		if len(rest) > 1 {
			return usagef("up takes no arguments")
		}
		applied, err := m.Up(ctx)
		if err != nil {
			return err
		}
		if len(applied) == 0 {
			fmt.Fprintln(e.stdout, "database is up to date")
		}
		for _, mig := range applied {
			fmt.Fprintf(e.stdout, "applied %04d_%s\n", mig.Version, mig.Name)
		}
		return nil
	case "down":
		steps := 1
		if len(rest) > 2 {
			return usagef("down takes one argument: a number of steps or \"all\"")
		}
		if len(rest) == 2 {
			if rest[1] == "all" {
				steps = -1
			} else if steps, err = strconv.Atoi(rest[1]); err != nil || steps < 1 {
				return usagef("down %q: give a positive number of steps or \"all\"", rest[1])
			}
		}
		reverted, err := m.Down(ctx, steps)
		if err != nil {
			return err
		}
		for _, mig := range reverted {
			fmt.Fprintf(e.stdout, "reverted %04d_%s\n", mig.Version, mig.Name)
		}
		if steps < 0 {
			fmt.Fprintln(e.stdout, "removed River's tables too; the database is empty")
		} else if len(reverted) == 0 {
			fmt.Fprintln(e.stdout, "nothing to revert")
		}
		return nil
	case "status":
		st, err := m.Status(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintf(tw, "VERSION\tNAME\tAPPLIED\n")
		for _, a := range st.Applied {
			fmt.Fprintf(tw, "%04d\t%s\t%s\n", a.Version, a.Name, a.AppliedAt.Format("2006-01-02 15:04:05"))
		}
		for _, p := range st.Pending {
			fmt.Fprintf(tw, "%04d\t%s\tpending\n", p.Version, p.Name)
		}
		tw.Flush()
		fmt.Fprintf(e.stdout, "argus schema %d of %d; River schema %d of %d\n", st.Current, st.Latest, st.RiverCur, st.RiverMax)
		if len(st.Pending) > 0 || st.RiverCur < st.RiverMax {
			fmt.Fprintln(e.stdout, "run `argus migrate up` to apply the pending migrations")
		}
		return nil
	default:
		return usagef("unknown migrate action %q: say up, down or status", rest[0])
	}
}
