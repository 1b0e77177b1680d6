/** The tests' Redis is the one the bench and the load script start too (scripts/lib/redis.ts). */
export {
  REDIS_SERVER,
  type RunningRedis as TestRedis,
  type StartRedisOptions,
  startRedis,
} from "../../scripts/lib/redis.ts";
