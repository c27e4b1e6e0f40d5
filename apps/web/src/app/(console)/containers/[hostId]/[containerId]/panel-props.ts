/** What every tab of the container page is given. */
export type ContainerPanelProps = { hostId: string; containerId: string; running: boolean };
