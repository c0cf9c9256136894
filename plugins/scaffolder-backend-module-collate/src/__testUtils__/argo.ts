/** The least AWS input `renderArgoValues` takes, for tests about something else. */
export const AWS_MIN = {
  cloud: 'aws' as const,
  aws: {
    controllerRoleArn: 'a',
    serverRoleArn: 'b',
    bucket: 'c',
    region: 'eu-west-1',
  },
};
