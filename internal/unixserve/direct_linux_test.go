package unixserve

// joinedPoller reports whether c had to join the runtime's poller; known
// is false where DirectConn is a net.UnixConn.
func joinedPoller(c *DirectConn) (joined, known bool) { return c != nil && c.file != nil, true }
