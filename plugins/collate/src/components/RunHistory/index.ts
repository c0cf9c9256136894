export { RunHistoryChart, RunHistoryBars } from './RunHistoryChart';
export { RunSparkline } from './RunSparkline';
