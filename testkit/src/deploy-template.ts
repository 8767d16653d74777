// The template filling lives once, in the CLI that ships it (gatewayctl deploy render):
// the test kit renders the nodes it starts with the same code.
export { renderDeployTemplate, keepalivedPlaceholders, nginxPlaceholders } from '@gateway/cli';
