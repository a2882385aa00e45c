/** Address checks of the config; they live in core/config/net.ts (component schemas use them too). */
export { isHttpUrl, parseHostPort, withHttpScheme, type HostPort } from "../../core/config/net.ts";
