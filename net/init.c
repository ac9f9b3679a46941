/* SPDX-License-Identifier: MIT */
/* Starting the network stack: lwIP's tcpip thread, which brings up the
 * loopback interface (127.0.0.1 and ::1) on its own. This runs before the
 * drivers, so a NIC driver finds the stack up when it registers. */
#include <kern/init.h>
#include <kern/printk.h>
#include <kern/sched.h>
#include <net/net.h>
#include "lwip/init.h"
#include "lwip/tcpip.h"
#include "netif_vioif.h"
#include "netpriv.h"

static bool ready;

bool net_ready(void)
{
	return ready;
}

static void tcpip_started(void *arg)
{
	sem_up(arg);
}

static int net_init(void)
{
	struct semaphore started;
	struct net_mem_stats ms;

	net_mem_init();
	net_rand_seed();
	sem_init(&started, 0);
	tcpip_init(tcpip_started, &started);
	sem_down(&started);
	ready = true;
	net_vioif_start();
	net_mem_stats(&ms);
	pr_info("net: lwIP %s up, loopback 127.0.0.1 and ::1, %zu KiB budget\n",
		LWIP_VERSION_STRING, ms.limit >> 10);
	return 0;
}
INITCALL(INIT_BUS, net_init);
