/* SPDX-License-Identifier: MIT */
/*
 * datadir.h - where shipped data (targets, VPN profiles) lives:
 * WSLBRIDGE_DATADIR, else templates/ next to the running binary (a build
 * in the source tree), else ../share/wslbridge from it (installed with any
 * PREFIX, or from a .deb), else the DATADIR it was built for.
 */
#ifndef WB_DATADIR_H
#define WB_DATADIR_H

/* A new path: the data directory joined with sub ("targets/nat.xml"). */
char *datadir_path(const char *sub);

#endif
