import { sqlStringList } from '../knex/sql-literal';

/**
 * Words of the seeded catalogue, in the style of the replaced service: Korean words with the
 * names of technologies. A few technologies are rare on purpose, so that searches for common
 * and for rare words can both be measured.
 */
export const COMMON_TECHNOLOGIES = [
  'Python', 'Django', 'React', 'SQL', 'AWS', 'Java', 'Spring', 'JavaScript', 'TypeScript', 'Node', 'Docker',
  'Kubernetes', 'Linux', 'Git', 'PostgreSQL', 'Redis', 'Vue', 'Kotlin', 'Go', 'Flutter',
];

/** Each appears in about one item in a thousand. */
export const RARE_TECHNOLOGIES = ['Haskell', 'Erlang', 'Fortran', 'COBOL', 'Elixir'];

export const LEVELS = ['기초', '입문', '중급', '고급', '심화', '실전', '핵심', '완성'];

export const TEST_NOUNS = ['시험', '모의고사', '자격시험', '평가', '테스트'];

export const COURSE_NOUNS = ['과정', '강의', '부트캠프', '워크숍', '클래스'];

export const DESCRIPTION_PHRASES = [
  '실무 예제 중심의 설명',
  '기본 개념부터 차근차근 설명',
  '현업 개발자의 자세한 설명',
  '프로젝트 기반 실습과 설명',
  '핵심 문법과 예제 풀이',
  '면접 대비 문제 풀이',
];

/** A SQL array literal of the words, for picking at random inside set-based SQL. */
export const sqlArray = (words: readonly string[]): string => `ARRAY[${sqlStringList(words)}]`;
